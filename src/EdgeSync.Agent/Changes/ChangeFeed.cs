using EdgeSync.Agent.Storage;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Changes;

/// <summary>
/// Every durable change on this node (local writes, replicated updates, purges), numbered in
/// commit order and kept in a ring of the most recent <see cref="Capacity"/> so a reader can
/// resume with <c>since</c>. Numbers restart with the process; a reader asking for changes the
/// ring no longer holds is told so and should re-list.
/// </summary>
public sealed class ChangeFeed : IDisposable
{
    public const int Capacity = 10_000;

    private readonly ReplicaService _store;
    private readonly Lock _gate = new();
    private readonly Queue<ChangeEvent> _ring = new();
    private long _last;
    private TaskCompletionSource _next = NewSource();

    public ChangeFeed(ReplicaService store)
    {
        _store = store;
        store.Committed += OnCommitted;
    }

    /// <summary>The number of the latest change (0 before the first).</summary>
    public long Last
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>Changes after <paramref name="since"/>; <c>Gap</c> is true when some were already dropped.</summary>
    public (IReadOnlyList<ChangeEvent> Events, bool Gap, Task Next) After(long since)
    {
        lock (_gate)
        {
            var first = _ring.Count > 0 ? _ring.Peek().Seq : _last + 1;
            var events = _ring.Where(e => e.Seq > since).ToList();
            return (events, since + 1 < first && since < _last, _next.Task);
        }
    }

    public void Dispose() => _store.Committed -= OnCommitted;

    private void OnCommitted(IReadOnlyList<ReplicaChange> changes)
    {
        TaskCompletionSource wake;
        lock (_gate)
        {
            foreach (var change in changes)
            {
                _ring.Enqueue(new ChangeEvent(++_last, change));
                if (_ring.Count > Capacity)
                {
                    _ring.Dequeue();
                }
            }

            wake = _next;
            _next = NewSource();
        }

        wake.TrySetResult();
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
