using EdgeSync.Core.Store;

namespace EdgeSync.Core.Consistency;

/// <summary>
/// Outstanding quorum requests by id. Each completes with the distinct peers' replies once
/// enough have arrived, or with those that did when its timeout passes (or it is cancelled).
/// Late, duplicate and unknown replies are ignored, so replays change nothing. Thread-safe.
/// </summary>
public sealed class PendingReplies(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Request> _open = [];

    public int Open
    {
        get
        {
            lock (_gate)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>Wait for <paramref name="needed"/> distinct peers to reply to <paramref name="id"/>.</summary>
    public Task<IReadOnlyList<QuorumReply>> Register(long id, int needed, TimeSpan timeout, CancellationToken cancel)
    {
        var request = new Request(needed);
        if (needed <= 0)
        {
            return Task.FromResult<IReadOnlyList<QuorumReply>>([]);
        }

        lock (_gate)
        {
            _open[id] = request;
        }

        // Synchronous timers and continuations keep a simulation on its one thread.
        request.Timer = time.CreateTimer(_ => Finish(id), null, timeout, Timeout.InfiniteTimeSpan);
        request.Cancel = cancel.Register(() => Finish(id));
        return request.Done.Task;
    }

    /// <summary>A reply arrived; false when nobody waits for it (late, duplicate or unknown).</summary>
    public bool Reply(long id, string peer, KeyState? state)
    {
        Request? complete = null;
        lock (_gate)
        {
            if (!_open.TryGetValue(id, out var request) || request.Replies.Any(r => r.Peer == peer))
            {
                return false;
            }

            request.Replies.Add(new QuorumReply(peer, state));
            if (request.Replies.Count >= request.Needed)
            {
                _open.Remove(id);
                complete = request;
            }
        }

        complete?.Complete();
        return true;
    }

    private void Finish(long id)
    {
        Request? request;
        lock (_gate)
        {
            if (!_open.Remove(id, out request))
            {
                return;
            }
        }

        request.Complete();
    }

    private sealed class Request(int needed)
    {
        public int Needed { get; } = needed;

        public List<QuorumReply> Replies { get; } = [];

        public TaskCompletionSource<IReadOnlyList<QuorumReply>> Done { get; } = new();

        public ITimer? Timer { get; set; }

        public CancellationTokenRegistration Cancel { get; set; }

        public void Complete()
        {
            Timer?.Dispose();
            Cancel.Dispose();
            Done.TrySetResult([.. Replies]);
        }
    }
}
