using EdgeSync.Core.Consistency;
using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>
/// Quorum writes and reads (SPEC §5). A write sends the committed state to every peer with a
/// request for a durable acknowledgement; a read asks every peer for its state of the key,
/// applies the answers here (so this replica is repaired and the result merged by the same
/// rules as replication), and sends the merged state to the peers that answered with less
/// (read repair). Both wait only for as many peers as the level needs, up to a timeout.
/// </summary>
public sealed partial class SyncEngine
{
    private PendingReplies? _replies;
    private long _nextRequest;

    private PendingReplies Replies
    {
        get
        {
            lock (_gate)
            {
                if (_replies is null)
                {
                    _replies = new PendingReplies(_time);

                    // A random start: a late reply meant for an earlier incarnation matches nothing.
                    _nextRequest = _random.NextInt64(1, long.MaxValue / 2);
                }

                return _replies;
            }
        }
    }

    /// <summary>Send every peer one request under a fresh id; the task completes with the first <paramref name="peersNeeded"/> replies (or what came by the timeout).</summary>
    private Task<IReadOnlyList<QuorumReply>> AskPeers(Func<long, SyncMessage> request, int peersNeeded, TimeSpan timeout, CancellationToken cancel)
    {
        var id = NextRequest();
        var wait = Replies.Register(id, peersNeeded, timeout, cancel);
        foreach (var peer in Peers())
        {
            Send(peer, request(id));
        }

        return wait;
    }

    /// <summary>
    /// Send committed local <paramref name="states"/> to every peer, a few hundred KB per request,
    /// and wait until <paramref name="peersNeeded"/> of them hold each request durably. Returns the
    /// members holding every state (the fewest over the requests), this node included. Every peer
    /// is sent every state, whatever the wait's outcome: writes made with <c>replicatedByCaller</c>
    /// are not pushed, this is their push.
    /// </summary>
    public async Task<int> ReplicateAsync(IReadOnlyList<KeyState> states, int peersNeeded, TimeSpan timeout, CancellationToken cancel)
    {
        ArgumentOutOfRangeException.ThrowIfZero(states.Count);
        var requests = Batches(states)
            .Select(batch => AskPeers(id => new ReplicateRequest(_fleet, _self, id, batch), peersNeeded, timeout, cancel))
            .ToList();
        var acks = await Task.WhenAll(requests).ConfigureAwait(false);
        return 1 + acks.Min(a => a.Count);
    }

    /// <summary>
    /// Read <paramref name="key"/> from this node and <paramref name="peersNeeded"/> peers, merge,
    /// and repair whichever replica was behind. The state is null when no replica holds the key.
    /// </summary>
    public async Task<QuorumOutcome> QuorumReadAsync(string key, int peersNeeded, TimeSpan timeout, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(key);
        var answers = await AskPeers(id => new StateRequest(_fleet, _self, id, key), peersNeeded, timeout, cancel).ConfigureAwait(false);
        var states = answers.Where(a => a.State is { IsEmpty: false }).Select(a => a.State!).ToList();
        var merged = states.Count == 0
            ? _replica.Read(r => r.Load(key))
            : await _replica.WriteAsync(r =>
            {
                foreach (var s in states)
                {
                    r.Apply(s);
                }

                return r.Load(key);
            }).ConfigureAwait(false);

        foreach (var answer in answers)
        {
            if (merged is not null && (answer.State is null || !answer.State.SameAs(merged)))
            {
                lock (_gate)
                {
                    Stats.ReadRepairs++;
                }

                Send(answer.Peer, new ReplicateRequest(_fleet, _self, 0, merged));
            }
        }

        return new QuorumOutcome(1 + answers.Count, merged);
    }

    private long NextRequest()
    {
        _ = Replies;
        lock (_gate)
        {
            return _nextRequest++;
        }
    }

    private Task DispatchQuorum(SyncMessage message)
    {
        switch (message)
        {
            case ReplicateRequest m:
                return OnReplicateRequest(m);
            case ReplicateAck m:
                Replies.Reply(m.Id, m.Sender, null);
                return Task.CompletedTask;
            case StateRequest m:
                var state = _replica.Read(r => r.Load(m.Key)) ?? KeyState.Empty(m.Key);
                Send(m.Sender, new StateResponse(_fleet, _self, m.Id, state));
                return Task.CompletedTask;
            case StateResponse m:
                Replies.Reply(m.Id, m.Sender, m.State);
                return Task.CompletedTask;
            default:
                return Task.CompletedTask;
        }
    }

    private async Task OnReplicateRequest(ReplicateRequest m)
    {
        // Acknowledge only once the batch holding the states is committed: that is the promise.
        await ApplyAsync(m.States).ConfigureAwait(false);
        if (m.Id != 0)
        {
            Send(m.Sender, new ReplicateAck(_fleet, _self, m.Id));
        }
    }
}
