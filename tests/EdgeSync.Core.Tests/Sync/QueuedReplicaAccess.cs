using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Tests.Sync;

/// <summary>
/// Replica access whose writes wait in a queue until <see cref="RunAll"/>, like the agent's
/// single writer falling behind: what the engine received is not applied yet.
/// </summary>
public sealed class QueuedReplicaAccess(Replica replica) : IReplicaAccess
{
    private readonly InlineReplicaAccess _inner = new(replica);
    private readonly Queue<Action> _queue = new();

    public event Action<IReadOnlyList<ReplicaChange>>? Committed
    {
        add => _inner.Committed += value;
        remove => _inner.Committed -= value;
    }

    public int Waiting => _queue.Count;

    public Task<T> WriteAsync<T>(Func<Replica, T> operation)
    {
        var done = new TaskCompletionSource<T>();
        _queue.Enqueue(() => done.SetResult(_inner.WriteAsync(operation).Result));
        return done.Task;
    }

    public T Read<T>(Func<Replica, T> read) => _inner.Read(read);

    /// <summary>Applies every waiting write, in order.</summary>
    public void RunAll()
    {
        while (_queue.TryDequeue(out var write))
        {
            write();
        }
    }
}
