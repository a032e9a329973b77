using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>
/// Single-threaded access to a replica: each write runs at once and commits, then
/// <see cref="Committed"/> is raised. For the simulator, benchmarks and tests.
/// </summary>
public sealed class InlineReplicaAccess : IReplicaAccess
{
    private readonly List<ReplicaChange> _pending = [];

    public InlineReplicaAccess(Replica replica)
    {
        Replica = replica;
        replica.Changed += _pending.Add;
    }

    public Replica Replica { get; }

    public event Action<IReadOnlyList<ReplicaChange>>? Committed;

    public Task<T> WriteAsync<T>(Func<Replica, T> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        _pending.Clear(); // only changes made by this operation, not by direct use of the replica
        var result = operation(Replica);
        Replica.Commit();
        var changes = _pending.ToList();
        _pending.Clear();
        if (changes.Count > 0)
        {
            Committed?.Invoke(changes);
        }

        return Task.FromResult(result);
    }

    public T Read<T>(Func<Replica, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        return read(Replica);
    }
}
