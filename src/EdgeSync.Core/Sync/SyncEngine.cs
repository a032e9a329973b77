using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>
/// Replication for one node: pushes every committed local write to the peers at once, and runs
/// anti-entropy with each peer periodically, on reconnect and on heal. A round is a delta
/// exchange (applied sets out, only the missing states back, then the reverse half) followed by
/// a Merkle digest check, root first, which repairs whatever the delta path cannot see.
/// All time comes from the injected <see cref="TimeProvider"/>, all chance from the seeded
/// <see cref="Random"/>; with an inline replica and a synchronous transport every step runs on
/// the caller's thread, so a simulation replays exactly. Thread-safe for the agent.
/// </summary>
public sealed partial class SyncEngine : IDisposable
{
    private readonly string _self;
    private readonly string _fleet;
    private readonly SyncOptions _options;
    private readonly IReplicaAccess _replica;
    private readonly ISyncTransport _transport;
    private readonly Func<IReadOnlyCollection<string>> _members;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _outstanding = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VersionVector> _peerApplied = new(StringComparer.Ordinal);
    private readonly ByteRateLimiter _limiter;
    private ITimer? _timer;
    private long _round;
    private int _pushesApplying;
    // Exchanges put off in a row: this node's own rounds under "", its answers to a peer under its id.
    private readonly Dictionary<string, int> _putOffStreaks = new(StringComparer.Ordinal);
    private VersionVector _lastPurge = VersionVector.Empty;
    private bool _started;

    public SyncEngine(
        string nodeId,
        string fleet,
        SyncOptions options,
        IReplicaAccess replica,
        ISyncTransport transport,
        Func<IReadOnlyCollection<string>> members,
        TimeProvider time,
        Random random)
    {
        if (options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _self = nodeId;
        _fleet = fleet;
        _options = options;
        _replica = replica;
        _transport = transport;
        _members = members;
        _time = time;
        _random = random;
        _limiter = new ByteRateLimiter(options.MaxBytesPerSecond, time);
    }

    /// <summary>Anti-entropy exchanges in a row (own rounds, or answers to one peer) that may wait while received pushes are still being applied.</summary>
    public const int MaxPutOff = 4;

    /// <summary>The put-off streak of this node's own periodic rounds (node ids are never empty).</summary>
    private const string OwnRounds = "";

    public SyncStats Stats { get; } = new();

    /// <summary>
    /// Whether this node holds every update it ever made (true unless its store was lost and is
    /// being re-seeded from the fleet). While true, peers answering a delta request skip this
    /// node's own updates: under a steady write load they would otherwise send back the writes
    /// made between asking and their answer.
    /// </summary>
    public Func<bool> HoldsOwnUpdates { get; set; } = () => true;

    /// <summary>Subscribe to commits and incoming messages and start the periodic rounds.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_started)
            {
                return;
            }

            _started = true;
            _timer = _time.CreateTimer(_ => OnTick(), null, NextDelay(), Timeout.InfiniteTimeSpan);
        }

        // Pushed once durable, not earlier: were a pushed batch lost in a power cut before its sync,
        // this store would number its next writes the same, and peers would take them for ones they hold.
        _replica.Committed += OnCommitted;
        _transport.Received += OnReceived;
    }

    public void Dispose()
    {
        _replica.Committed -= OnCommitted;
        _transport.Received -= OnReceived;
        lock (_gate)
        {
            _started = false;
            _timer?.Dispose();
            _timer = null;
        }
    }

    /// <summary>One anti-entropy round with every peer, now.</summary>
    public void RunRound()
    {
        foreach (var peer in Peers())
        {
            StartDelta(peer);
        }
    }

    /// <summary>The transport is connected again: catch up with everyone at once.</summary>
    public void Reconnected() => RunRound();

    /// <summary>A peer is reachable again after a partition: catch up with it at once.</summary>
    public void PeerHealed(string peer) => StartDelta(peer);

    /// <summary>Start a delta exchange with one peer (the Merkle check follows when it completes).</summary>
    public void StartDelta(string peer)
    {
        long round;
        lock (_gate)
        {
            if (_limiter.Available <= 0)
            {
                Stats.RateLimited++;
                return;
            }

            round = ++_round;
            _outstanding[peer] = round;
            Stats.Rounds++;
        }

        var applied = _replica.Read(r => r.Applied.Clone());
        Send(peer, new DeltaRequest(_fleet, _self, round, applied, HoldsOwnUpdates()));
    }

    /// <summary>Handle one message from a peer. Never throws: failures are counted.</summary>
    public async Task HandleAsync(SyncMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Fleet != _fleet || message.Sender == _self || !_members().Contains(message.Sender))
        {
            lock (_gate)
            {
                Stats.Ignored++;
            }

            return;
        }

        try
        {
            await Dispatch(message).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A failed store or transport must not stop replication; the next round retries.
            CountError();
        }
    }

    private void CountError()
    {
        lock (_gate)
        {
            Stats.Errors++;
        }
    }

    private Task Dispatch(SyncMessage message)
    {
        switch (message)
        {
            case PushMessage m:
                // Not awaited: nothing follows the apply, and an await would cost a thread hand-off
                // per push just to finish this method. A failure is still counted, and while any
                // push waits to be applied anti-entropy is put off (PutOff).
                Interlocked.Increment(ref _pushesApplying);
                ApplyAsync(m.States).ContinueWith(
                    static (t, state) =>
                    {
                        var engine = (SyncEngine)state!;
                        Interlocked.Decrement(ref engine._pushesApplying);
                        if (t.IsFaulted)
                        {
                            _ = t.Exception; // observed, so it is not reported as unobserved
                            engine.CountError();
                        }
                    },
                    this,
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
                return Task.CompletedTask;
            case DeltaRequest m:
                OnDeltaRequest(m);
                return Task.CompletedTask;
            case DeltaResponse m:
                return OnDeltaResponse(m);
            case DigestRequest m:
                OnDigestRequest(m);
                return Task.CompletedTask;
            case DigestResponse m:
                OnDigestResponse(m);
                return Task.CompletedTask;
            case BucketRequest m:
                OnBucketRequest(m);
                return Task.CompletedTask;
            case BucketResponse m:
                return OnBucketResponse(m);
            case StatesResponse m:
                return OnStatesResponse(m);
            default:
                return DispatchQuorum(message);
        }
    }

    /// <summary>Applies <paramref name="states"/> in one batch; completes once it is committed.</summary>
    private Task<int> ApplyAsync(IReadOnlyList<KeyState> states) => _replica.WriteAsync(r =>
    {
        foreach (var state in states)
        {
            r.Apply(state);
        }

        return 0;
    });

    private void OnCommitted(IReadOnlyList<ReplicaChange> changes)
    {
        var local = changes
            .Where(c => c.Kind is (ChangeKind.LocalWrite or ChangeKind.LocalDelete) && c.State is not null && !c.ReplicatedByCaller)
            .Select(c => c.State!);
        foreach (var batch in Batches(local))
        {
            Push(batch);
        }
    }

    /// <summary><paramref name="states"/> in order, cut into messages of at most <see cref="SyncOptions.MaxBatchBytes"/> (one state may be more).</summary>
    private IEnumerable<List<KeyState>> Batches(IEnumerable<KeyState> states)
    {
        var batch = new List<KeyState>();
        var bytes = 0L;
        foreach (var state in states)
        {
            if (batch.Count > 0 && bytes + state.ApproximateBytes > _options.MaxBatchBytes)
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }

            batch.Add(state);
            bytes += state.ApproximateBytes;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    private void Push(List<KeyState> states)
    {
        var push = new PushMessage(_fleet, _self, states);
        lock (_gate)
        {
            Stats.PushesSent += states.Count;
            Stats.PushMessagesSent++;
            Stats.MessagesSent++;
            Stats.BytesSent += SyncMessageSize.Estimate(push);
        }

        Transport(() => _transport.Broadcast(push));
    }

    private void OnReceived(SyncMessage message) => _ = HandleAsync(message);

    private void OnTick()
    {
        if (!PutOff(OwnRounds))
        {
            RunRound();
        }

        lock (_gate)
        {
            _timer?.Change(NextDelay(), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// Whether an anti-entropy exchange waits: pushes this node received are still waiting to be
    /// applied. A node that falls behind a heavy write load would otherwise be sent, by its own
    /// rounds and by the reverse half of its peers' rounds, the very updates in its own queue, and
    /// applying them twice makes it fall further behind. At most <see cref="MaxPutOff"/> in a row per
    /// kind and peer (<paramref name="streak"/>: <see cref="OwnRounds"/>, or the peer answered), so a
    /// lost push is still repaired under a steady load.
    /// </summary>
    private bool PutOff(string streak)
    {
        lock (_gate)
        {
            var count = _putOffStreaks.GetValueOrDefault(streak);
            if (Volatile.Read(ref _pushesApplying) > 0 && count < MaxPutOff)
            {
                _putOffStreaks[streak] = count + 1;
                Stats.ExchangesPutOff++;
                return true;
            }

            _putOffStreaks.Remove(streak);
            return false;
        }
    }

    private TimeSpan NextDelay()
    {
        var jitter = 0.9 + (0.2 * _random.NextDouble());
        return TimeSpan.FromTicks((long)(_options.AntiEntropyInterval.Ticks * jitter));
    }

    private List<string> Peers() => [.. _members().Where(p => p != _self).Order(StringComparer.Ordinal)];

    private int Budget()
    {
        lock (_gate)
        {
            var available = _limiter.Available;
            if (available <= 0)
            {
                Stats.RateLimited++;
                return 0;
            }

            return (int)Math.Min(available, _options.MaxBatchBytes);
        }
    }

    private void Send(string peer, SyncMessage message)
    {
        var size = SyncMessageSize.Estimate(message);
        lock (_gate)
        {
            Stats.MessagesSent++;
            Stats.BytesSent += size;
            _limiter.Spend(size);
        }

        Transport(() => _transport.Send(peer, message));
    }

    private void Transport(Action send)
    {
        try
        {
            send();
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or ObjectDisposedException)
        {
            // Best effort: anti-entropy repairs whatever could not be sent.
            lock (_gate)
            {
                Stats.Errors++;
            }
        }
    }
}
