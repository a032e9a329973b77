using EdgeSync.Core.Fleet.Messages;

namespace EdgeSync.Core.Fleet;

/// <summary>
/// Raft-style election with leases, driven by <see cref="Tick"/> and incoming messages.
/// Safety: one vote per term (persisted before it is sent), so at most one leader per term; a
/// voter that acknowledged a leader's ping refuses every vote for ElectionTimeoutMin on its own
/// clock (and after a restart), while the leader's lease is shorter than that window under the
/// worst clock drift, so two leases never overlap. The lease only grows from pings a majority
/// acknowledged, so a node without a quorum is never leader.
/// </summary>
public sealed class LeaderElection
{
    private readonly string _self;
    private readonly FleetOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly IFleetTransport _transport;
    private readonly IElectionStore _store;
    private readonly HashSet<string> _votes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _preVotes = new(StringComparer.Ordinal);
    private long _preVoteTerm;
    private readonly Dictionary<long, (long SentAt, HashSet<string> Acks)> _pings = [];
    private readonly long _bootedAt;
    private long _electionDeadline;
    private long? _lastLeaderContact;
    private long _leaseUntil;
    private long _pingSeq;
    private long _nextPingAt;
    private long _quietUntil;
    private long _leaderSince;
    private long? _lastVoteGrantedAt;

    public LeaderElection(string self, FleetOptions options, TimeProvider time, Random random, IFleetTransport transport, IElectionStore store)
    {
        _self = self;
        _options = options;
        _time = time;
        _random = random;
        _transport = transport;
        _store = store;
        var record = store.Load();
        Term = record.Term;
        VotedFor = record.VotedFor;
        _bootedAt = Now;
        ResetElectionDeadline();
    }

    public long Term { get; private set; }

    public string? VotedFor { get; private set; }

    public Role Role { get; private set; } = Role.Follower;

    /// <summary>The leader this node last heard from (or itself).</summary>
    public string? KnownLeader { get; private set; }

    /// <summary>True only while this node leads with a lease a majority acknowledged.</summary>
    public bool HoldsLease => Role == Role.Leader && Now < _leaseUntil;

    /// <summary>The leader worth naming: self with a lease, or one heard from recently.</summary>
    public string? CurrentLeader =>
        HoldsLease ? _self
        : Role != Role.Leader && KnownLeader is not null && _lastLeaderContact is { } t && Elapsed(t) < _options.ElectionTimeoutMax ? KnownLeader
        : null;

    public TimeSpan LeaseRemaining => HoldsLease ? _time.GetElapsedTime(Now, _leaseUntil) : TimeSpan.Zero;

    private long Now => _time.GetTimestamp();

    /// <summary>Start an election when the timeout passed; renew the lease when leading.</summary>
    /// <param name="canReachQuorum">False on a minority side or when isolated: no election is started then.</param>
    public void Tick(bool canReachQuorum)
    {
        var now = Now;
        if (Role == Role.Leader)
        {
            if (now >= _nextPingAt)
            {
                SendPing(now);
            }

            // A leader that cannot renew its lease for a whole election timeout gives up the role.
            if (now >= _leaseUntil && Elapsed(Math.Max(_leaseUntil, _leaderSince)) >= _options.ElectionTimeoutMin)
            {
                BecomeFollower();
            }

            return;
        }

        if (now < _electionDeadline)
        {
            return;
        }

        if (!canReachQuorum || now < _quietUntil || _options.Members.Count == 0)
        {
            ResetElectionDeadline();
            return;
        }

        StartPreVote();
    }

    /// <summary>
    /// The earliest timestamp after <paramref name="now"/> at which <see cref="Tick"/> would act or
    /// the role, lease or named leader changes by itself; <see cref="long.MaxValue"/> if none.
    /// </summary>
    public long NextDue(long now) => Role == Role.Leader
        ? Deadlines.Earliest(now, _nextPingAt, _leaseUntil, Math.Max(_leaseUntil, _leaderSince) + Ticks(_options.ElectionTimeoutMin))
        : Deadlines.Earliest(now, _electionDeadline, _lastLeaderContact is { } contact ? contact + Ticks(_options.ElectionTimeoutMax) : 0);

    public void Handle(FleetMessage message)
    {
        switch (message)
        {
            case PreVoteRequest preVote:
                OnPreVoteRequest(preVote);
                break;
            case PreVoteResponse preVoteResponse when string.Equals(preVoteResponse.To, _self, StringComparison.Ordinal):
                OnPreVoteResponse(preVoteResponse);
                break;
            case VoteRequest request:
                OnVoteRequest(request);
                break;
            case VoteResponse response when string.Equals(response.To, _self, StringComparison.Ordinal):
                OnVoteResponse(response);
                break;
            case LeaderPing ping:
                OnPing(ping);
                break;
            case LeaderAck ack when string.Equals(ack.To, _self, StringComparison.Ordinal):
                OnAck(ack);
                break;
            case StepDownRequest:
                StepDown();
                break;
        }
    }

    /// <summary>Give up leadership and stay out of the next election.</summary>
    public void StepDown()
    {
        if (Role != Role.Leader)
        {
            return;
        }

        BecomeFollower();
        _leaseUntil = 0;
        _quietUntil = Now + Ticks(_options.ElectionTimeoutMax);
    }

    private void StartPreVote()
    {
        _preVoteTerm = Term + 1;
        _preVotes.Clear();
        _preVotes.Add(_self);
        ResetElectionDeadline();
        if (_preVotes.Count >= _options.Quorum)
        {
            StartElection();
            return;
        }

        _transport.Broadcast(new PreVoteRequest(_self, _preVoteTerm));
    }

    private void OnPreVoteRequest(PreVoteRequest request)
    {
        // Also hold back while the candidate we just voted for may still be announcing itself.
        var votedRecently = _lastVoteGrantedAt is { } voted && Elapsed(voted) < _options.ElectionTimeoutMin;
        var granted = !ProtectingLease() && !votedRecently && request.NextTerm > Term;
        _transport.Send(request.From, new PreVoteResponse(_self, request.From, request.NextTerm, granted));
    }

    private void OnPreVoteResponse(PreVoteResponse response)
    {
        if (Role == Role.Leader || !response.Granted || response.NextTerm != _preVoteTerm || _preVoteTerm != Term + 1)
        {
            return;
        }

        _preVotes.Add(response.From);
        if (_preVotes.Count >= _options.Quorum)
        {
            _preVoteTerm = 0;
            StartElection();
        }
    }

    private bool ProtectingLease() =>
        Role == Role.Leader
        || (_lastLeaderContact is { } contact && Elapsed(contact) < _options.ElectionTimeoutMin)
        || Elapsed(_bootedAt) < _options.ElectionTimeoutMin;

    private void StartElection()
    {
        Role = Role.Candidate;
        Term++;
        VotedFor = _self;
        KnownLeader = null;
        Persist();
        _votes.Clear();
        _votes.Add(_self);
        ResetElectionDeadline();
        if (_votes.Count >= _options.Quorum)
        {
            BecomeLeader();
            return;
        }

        _transport.Broadcast(new VoteRequest(_self, Term));
    }

    private void OnVoteRequest(VoteRequest request)
    {
        // Lease protection: while a leader may still hold a lease we acknowledged, vote for nobody.
        if (ProtectingLease() || request.Term < Term)
        {
            _transport.Send(request.From, new VoteResponse(_self, request.From, Term, false));
            return;
        }

        if (request.Term > Term)
        {
            AdoptTerm(request.Term);
        }

        var granted = VotedFor is null || string.Equals(VotedFor, request.From, StringComparison.Ordinal);
        if (granted)
        {
            VotedFor = request.From;
            Persist();
            _lastVoteGrantedAt = Now;
            ResetElectionDeadline();
        }

        _transport.Send(request.From, new VoteResponse(_self, request.From, Term, granted));
    }

    private void OnVoteResponse(VoteResponse response)
    {
        if (response.Term > Term)
        {
            AdoptTerm(response.Term);
            Persist();
            return;
        }

        if (Role != Role.Candidate || response.Term != Term || !response.Granted)
        {
            return;
        }

        _votes.Add(response.From);
        if (_votes.Count >= _options.Quorum)
        {
            BecomeLeader();
        }
    }

    private void OnPing(LeaderPing ping)
    {
        if (ping.Term < Term)
        {
            // Tell a stale leader about the newer term; the ack is not counted towards its lease.
            _transport.Send(ping.From, new LeaderAck(_self, ping.From, Term, ping.Seq));
            return;
        }

        if (ping.Term > Term || Role != Role.Follower)
        {
            if (Role == Role.Leader && ping.Term == Term)
            {
                return; // Cannot happen with one vote per term; never yield to a same-term rival.
            }

            AdoptTerm(ping.Term);
            Persist();
        }

        KnownLeader = ping.From;
        _lastLeaderContact = Now;
        ResetElectionDeadline();
        _transport.Send(ping.From, new LeaderAck(_self, ping.From, Term, ping.Seq));
    }

    private void OnAck(LeaderAck ack)
    {
        if (ack.Term > Term)
        {
            AdoptTerm(ack.Term);
            Persist();
            return;
        }

        if (Role != Role.Leader || ack.Term != Term || !_pings.TryGetValue(ack.Seq, out var ping))
        {
            return;
        }

        ping.Acks.Add(ack.From);
        if (ping.Acks.Count >= _options.Quorum)
        {
            _leaseUntil = Math.Max(_leaseUntil, ping.SentAt + Ticks(_options.LeaseDuration));
        }
    }

    private void BecomeLeader()
    {
        Role = Role.Leader;
        KnownLeader = _self;
        _leaderSince = Now;
        _pings.Clear();
        _leaseUntil = 0;
        SendPing(Now);
    }

    private void SendPing(long now)
    {
        _pingSeq++;
        _pings[_pingSeq] = (now, new HashSet<string>(StringComparer.Ordinal) { _self });
        _pings.Remove(_pingSeq - 64);
        _nextPingAt = now + Ticks(_options.LeaderPingInterval);
        if (_options.Quorum <= 1)
        {
            _leaseUntil = now + Ticks(_options.LeaseDuration);
        }

        _transport.Broadcast(new LeaderPing(_self, Term, _pingSeq));
    }

    private void AdoptTerm(long term)
    {
        if (term > Term)
        {
            Term = term;
            VotedFor = null;
        }

        BecomeFollower();
    }

    private void BecomeFollower()
    {
        if (Role == Role.Leader)
        {
            KnownLeader = null;
        }

        Role = Role.Follower;
        _votes.Clear();
        ResetElectionDeadline();
    }

    private void Persist() => _store.Save(new ElectionRecord(Term, VotedFor));

    private void ResetElectionDeadline()
    {
        var min = _options.ElectionTimeoutMin.Ticks;
        var span = _options.ElectionTimeoutMax.Ticks - min;
        var timeout = TimeSpan.FromTicks(min + (long)(_random.NextDouble() * span));
        _electionDeadline = Now + Ticks(timeout);
    }

    private TimeSpan Elapsed(long since) => _time.GetElapsedTime(since, Now);

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
