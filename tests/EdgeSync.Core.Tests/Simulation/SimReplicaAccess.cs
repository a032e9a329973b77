using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Tests.Simulation;

/// <summary>
/// The simulator's stand-in for the agent's group-commit writer: writes queue up, run as one
/// batch a few milliseconds later and complete only after the batch is committed. A crash can
/// strike in the middle of a batch (after running it, before committing): the storage then
/// forgets the batch and every write in it fails, unacknowledged. Reads run between batches.
/// </summary>
public sealed class SimReplicaAccess : IReplicaAccess
{
    private readonly SimScheduler _scheduler;
    private readonly Random _random;
    private readonly Func<bool> _crashNow;
    private readonly List<IPendingWrite> _queue = [];
    private readonly List<ReplicaChange> _changes = [];
    private bool _drainScheduled;

    public SimReplicaAccess(Replica replica, SimScheduler scheduler, Random random, Func<bool> crashNow)
    {
        Replica = replica;
        _scheduler = scheduler;
        _random = random;
        _crashNow = crashNow;
        replica.Changed += _changes.Add;
    }

    public Replica Replica { get; }

    public bool Dead { get; private set; }

    /// <summary>Raised when a crash struck mid-batch; the owner restarts the node.</summary>
    public event Action? CrashedMidBatch;

    public event Action<IReadOnlyList<ReplicaChange>>? Committed;

    public Task<T> WriteAsync<T>(Func<Replica, T> operation)
    {
        if (Dead)
        {
            return Task.FromException<T>(new InvalidOperationException("The node is down."));
        }

        var pending = new PendingWrite<T>(operation, continueAsynchronously: false);
        _queue.Add(pending);
        if (!_drainScheduled)
        {
            _drainScheduled = true;
            _scheduler.At(_random.Next(0, 3), Drain);
        }

        return pending.Task;
    }

    public T Read<T>(Func<Replica, T> read) =>
        Dead ? throw new InvalidOperationException("The node is down.") : read(Replica);

    /// <summary>The process died: every queued write fails, nothing more runs.</summary>
    public void Kill()
    {
        Dead = true;
        var queued = _queue.ToList();
        _queue.Clear();
        foreach (var op in queued)
        {
            op.Fail(Crashed());
        }
    }

    private void Drain()
    {
        _drainScheduled = false;
        if (Dead)
        {
            return;
        }

        var batch = _queue.ToList();
        _queue.Clear();
        foreach (var op in batch)
        {
            op.Run(Replica);
        }

        if (_crashNow())
        {
            Dead = true;
            _changes.Clear();
            foreach (var op in batch)
            {
                op.Fail(Crashed());
            }

            CrashedMidBatch?.Invoke();
            return;
        }

        Replica.Commit();
        var changes = _changes.ToList();
        _changes.Clear();
        foreach (var op in batch)
        {
            op.Complete();
        }

        if (changes.Count > 0)
        {
            Committed?.Invoke(changes);
        }
    }

    private static InvalidOperationException Crashed() => new("The node crashed before the batch was committed.");
}
