using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>
/// How the sync engine reaches the replica: through its single writer. In the agent that is the
/// group-commit writer (a write completes once its batch is durable, reads see committed batches
/// only); in the simulator and benchmarks it runs inline and commits at once.
/// </summary>
public interface IReplicaAccess
{
    /// <summary>Raised once after each durable batch, with every change in it (in order); never with an empty list.</summary>
    event Action<IReadOnlyList<ReplicaChange>>? Committed;

    Task<T> WriteAsync<T>(Func<Replica, T> operation);

    T Read<T>(Func<Replica, T> read);
}
