using EdgeSync.Core.Clocks;
using EdgeSync.Core.Fleet.Messages;

namespace EdgeSync.Core.Fleet;

/// <summary>
/// Membership for one node: heartbeats, the failure detector, the partition state, leader
/// election and the leader's duty of publishing the stable vector. Single-threaded and driven
/// by <see cref="Tick"/> (the agent's main loop, or the simulator) and <see cref="Handle"/>.
/// </summary>
public sealed class FleetNode
{
    private readonly string _self;
    private readonly FleetOptions _options;
    private readonly TimeProvider _time;
    private readonly IFleetTransport _transport;
    private readonly Func<VersionVector> _appliedBase;
    private readonly Action<VersionVector, VersionVector> _onStable;
    private readonly Dictionary<string, VersionVector> _reported = new(StringComparer.Ordinal);
    private readonly ReplicationLag _lag;
    private long _nextHeartbeatAt;
    private bool _brokerConnected = true;

    public FleetNode(
        string self,
        FleetOptions options,
        TimeProvider time,
        Random random,
        IFleetTransport transport,
        IElectionStore electionStore,
        Func<VersionVector> appliedBase,
        Action<VersionVector, VersionVector> onStable)
    {
        _self = self;
        _options = options;
        _time = time;
        _transport = transport;
        _appliedBase = appliedBase;
        _onStable = onStable;
        _lag = new ReplicationLag(time);
        Detector = new FailureDetector(options.Members.Where(m => m != self), options.HeartbeatInterval, time);
        Election = new LeaderElection(self, options, time, random, transport, electionStore);
    }

    public FailureDetector Detector { get; }

    public LeaderElection Election { get; }

    /// <summary>The latest stable vector this node has learned.</summary>
    public VersionVector Stable { get; private set; } = VersionVector.Empty;

    /// <summary>The host reports the broker connection; without it the node is isolated.</summary>
    public void SetBrokerConnected(bool connected) => _brokerConnected = connected;

    public int ReachableMembers => 1 + Detector.Peers.Count(Detector.IsReachable);

    public PartitionState Partition =>
        !_brokerConnected && _options.Members.Count > 1 ? PartitionState.Isolated
        : ReachableMembers == _options.Members.Count ? PartitionState.Healthy
        : ReachableMembers >= _options.Quorum ? PartitionState.Degraded
        : PartitionState.Minority;

    public void Tick()
    {
        var now = _time.GetTimestamp();
        if (now >= _nextHeartbeatAt)
        {
            _nextHeartbeatAt = now + (long)(_options.HeartbeatInterval.TotalSeconds * _time.TimestampFrequency);
            var applied = _appliedBase();
            _reported[_self] = applied;
            _lag.Sample(applied);
            _lag.Trim(Detector.Peers.Select(p => _reported.GetValueOrDefault(p) ?? VersionVector.Empty));
            _transport.Broadcast(new Heartbeat(_self, Election.Term, Election.Role, Election.CurrentLeader, applied));
            if (Election.HoldsLease)
            {
                PublishStable();
            }
        }

        Election.Tick(Partition is PartitionState.Healthy or PartitionState.Degraded);
    }

    /// <summary>
    /// The earliest timestamp after now at which <see cref="Tick"/> has work or the status changes by
    /// itself: the next heartbeat, a leader's ping or lease end, an election deadline, a peer's silence
    /// turning into suspicion. A host can sleep until then (and until a message or broker change comes)
    /// instead of ticking on a short period; <see cref="long.MaxValue"/> if nothing is due.
    /// </summary>
    public long NextDue()
    {
        var now = _time.GetTimestamp();
        return Deadlines.Earliest(now, _nextHeartbeatAt, Election.NextDue(now), Detector.NextDue(now));
    }

    public void Handle(FleetMessage message)
    {
        if (string.Equals(message.From, _self, StringComparison.Ordinal) || !_options.Members.Contains(message.From, StringComparer.Ordinal))
        {
            return;
        }

        switch (message)
        {
            case PresenceChange { Online: false } presence:
                Detector.Offline(presence.From);
                return;
            case PresenceChange:
                return;
            case Heartbeat heartbeat:
                Detector.Heard(heartbeat.From);
                _reported[heartbeat.From] = _reported.TryGetValue(heartbeat.From, out var before) ? before.Merge(heartbeat.Applied) : heartbeat.Applied;
                return;
            case StableVector stable:
                LearnStable(stable.Vector, stable.Frontier);
                return;
            default:
                Detector.Heard(message.From);
                Election.Handle(message);
                return;
        }
    }

    public FleetStatus Status() => new(
        _self,
        Election.HoldsLease ? Role.Leader : Election.Role == Role.Leader ? Role.Candidate : Election.Role,
        Election.Term,
        Election.CurrentLeader,
        Election.HoldsLease,
        Partition,
        [.. Detector.Peers.Select(PeerStatusOf)],
        _brokerConnected,
        Stable);

    private PeerStatus PeerStatusOf(string peer)
    {
        var (behind, lag) = _lag.Of(_reported.GetValueOrDefault(peer));
        return new PeerStatus(peer, Detector.IsReachable(peer), Detector.LastSeenMs(peer), behind, lag);
    }

    /// <summary>
    /// The minimum of every member's reported applied vector. Reports only grow, so an old report
    /// is merely conservative: whoever computes this, it never covers an update some member lacks.
    /// </summary>
    private void PublishStable()
    {
        if (!_options.Members.All(_reported.ContainsKey))
        {
            return;
        }

        var reports = _options.Members.Select(m => _reported[m]).ToList();
        var stable = VersionVector.Min(reports);
        var frontier = reports.Aggregate(VersionVector.Empty, (max, r) => max.Merge(r));
        LearnStable(stable, frontier);
        _transport.Broadcast(new StableVector(_self, Election.Term, stable, frontier));
    }

    private void LearnStable(VersionVector vector, VersionVector frontier)
    {
        // Passed on even when unchanged: a tombstone armed earlier may now be purgeable.
        Stable = Stable.Merge(vector);
        _onStable(Stable, frontier);
    }
}
