namespace EdgeSync.Agent.Tests.Fleet;

/// <summary>The split-brain check itself: it must catch a real overlap and ignore an honest handover.</summary>
public sealed class LeaderOverlapTests
{
    private static StatusSample Leader(string node, double at, long term) => new(node, at, at + 5, "leader", term, "healthy");
    private static StatusSample Follower(string node, double at, long term) => new(node, at, at + 5, "follower", term, "healthy");

    [Fact]
    public void A_claim_inside_another_nodes_continuous_leadership_is_a_violation()
    {
        StatusSample[] samples = [Leader("a", 0, 1), Leader("a", 50, 1), Leader("a", 400, 1), Leader("b", 200, 2)];
        var problems = LeaderOverlap.Violations(samples, stalenessMs: 100);
        Assert.Single(problems);
        Assert.Contains("b claimed term 2", problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_handover_with_the_old_leader_stepping_down_first_is_not_a_violation()
    {
        StatusSample[] samples = [Leader("a", 0, 1), Leader("a", 50, 1), Follower("a", 100, 1), Leader("b", 150, 2), Leader("b", 200, 2), Follower("a", 200, 2)];
        Assert.Empty(LeaderOverlap.Violations(samples, stalenessMs: 100));
    }

    [Fact]
    public void Two_nodes_claiming_the_same_term_is_a_violation_whenever_it_happens()
    {
        StatusSample[] samples = [Leader("a", 0, 3), Follower("a", 50, 3), Leader("b", 5000, 3)];
        Assert.Contains("term 3 was claimed by a and b", LeaderOverlap.Violations(samples, stalenessMs: 100));
    }

    [Fact]
    public void Claims_within_the_polling_skew_are_not_proof_of_an_overlap()
    {
        // a's last claim and b's first are only 60 ms apart: the snapshots may be that stale.
        StatusSample[] samples = [Leader("a", 0, 1), Leader("a", 100, 1), Leader("b", 60, 2)];
        Assert.Empty(LeaderOverlap.Violations(samples, stalenessMs: 100));
    }
}
