using EdgeSync.Core.Clocks;
using EdgeSync.Core.Fleet;
using EdgeSync.Core.Fleet.Messages;
using Microsoft.Extensions.Time.Testing;

namespace EdgeSync.Core.Tests.Fleet;

/// <summary>
/// <see cref="FleetNode.NextDue"/> names each time-driven change, so a host that sleeps until then
/// misses none. The heartbeat interval is set long here so it does not hide the deadline under test.
/// </summary>
public sealed class NextDueTests
{
    private static readonly TimeSpan LongHeartbeat = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new();
    private readonly List<FleetMessage> _sent = [];

    [Fact]
    public void A_follower_is_due_at_its_election_deadline_and_starts_a_pre_vote_then()
    {
        var node = Node("n1", ["n1", "n2", "n3"]);
        node.Handle(new Heartbeat("n2", 0, Role.Follower, null, VersionVector.Empty));
        node.Handle(new Heartbeat("n3", 0, Role.Follower, null, VersionVector.Empty));
        node.Tick();

        var due = In(node.NextDue());
        Assert.InRange(due, TimeSpan.FromMilliseconds(1000), TimeSpan.FromMilliseconds(1800));

        _time.Advance(due - TimeSpan.FromTicks(1));
        node.Tick();
        Assert.DoesNotContain(_sent, m => m is PreVoteRequest);

        _time.Advance(TimeSpan.FromTicks(1));
        node.Tick();
        Assert.Contains(_sent, m => m is PreVoteRequest);
    }

    [Fact]
    public void A_leader_is_due_at_its_next_ping()
    {
        var node = Node("n1", ["n1"]); // a fleet of one elects itself
        _time.Advance(TimeSpan.FromSeconds(2));
        node.Tick();
        Assert.True(node.Election.HoldsLease);
        _sent.Clear();

        Assert.Equal(new FleetOptions { Members = ["n1"] }.LeaderPingInterval, In(node.NextDue()));
        _time.Advance(In(node.NextDue()));
        node.Tick();
        Assert.Single(_sent.OfType<LeaderPing>());
    }

    [Fact]
    public void A_silent_peer_is_suspected_right_at_the_detector_deadline()
    {
        var interval = TimeSpan.FromMilliseconds(500);
        var detector = new FailureDetector(["n2", "n3"], interval, _time);
        Assert.Equal(long.MaxValue, detector.NextDue(_time.GetTimestamp())); // nobody heard yet: nothing to lose
        detector.Heard("n2");
        _time.Advance(TimeSpan.FromMilliseconds(400));
        detector.Heard("n3");

        // n2 was heard first, so its silence runs out first: three intervals (the floor) after it.
        var due = detector.NextDue(_time.GetTimestamp());
        Assert.Equal((3 * interval) - TimeSpan.FromMilliseconds(400) + TimeSpan.FromTicks(1), In(due));
        _time.Advance(In(due) - TimeSpan.FromTicks(1));
        Assert.True(detector.IsReachable("n2"));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.False(detector.IsReachable("n2"));
        Assert.True(detector.IsReachable("n3"));

        // Suspected peers are not due again; n3's silence is next.
        Assert.Equal(_time.GetTimestamp() + TimeSpan.FromMilliseconds(400).Ticks * _time.TimestampFrequency / TimeSpan.TicksPerSecond, detector.NextDue(_time.GetTimestamp()));
    }

    [Fact]
    public void Deadlines_already_passed_are_not_due_again()
    {
        var node = Node("n1", ["n1", "n2", "n3"]);
        node.Tick();
        var first = node.NextDue();
        _time.Advance(In(first));
        node.Tick();

        Assert.True(node.NextDue() > _time.GetTimestamp());
    }

    private TimeSpan In(long due) => _time.GetElapsedTime(_time.GetTimestamp(), due);

    private FleetNode Node(string self, IReadOnlyList<string> members) => new(
        self,
        new FleetOptions { Members = members, HeartbeatInterval = LongHeartbeat },
        _time,
        new Random(1),
        new RecordingTransport(_sent),
        new InMemoryElectionStore(),
        () => VersionVector.Empty,
        (_, _) => { });

    private sealed class RecordingTransport(List<FleetMessage> sent) : IFleetTransport
    {
        public void Broadcast(FleetMessage message) => sent.Add(message);

        public void Send(string to, FleetMessage message) => sent.Add(message);
    }
}
