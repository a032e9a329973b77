using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Tests.Sync;

/// <summary>Access to a replica whose disk has failed: reads still answer, every write is refused, as the agent's writer does after a failed commit.</summary>
public sealed class FailedStoreAccess(Replica replica) : IReplicaAccess
{
    public event Action<IReadOnlyList<ReplicaChange>>? Committed
    {
        add { }
        remove { }
    }

    public int Refused { get; private set; }

    public Task<T> WriteAsync<T>(Func<Replica, T> operation)
    {
        Refused++;
        return Task.FromException<T>(new IOException("The store failed and accepts no more writes."));
    }

    public T Read<T>(Func<Replica, T> read) => read(replica);
}
