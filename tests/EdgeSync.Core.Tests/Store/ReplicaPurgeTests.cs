using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Tests.Store;

public class ReplicaPurgeTests
{
    /// <summary>b writes k, a receives it and deletes it: a's tombstone is update a:1 with past b:1.</summary>
    private static (Node A, KeyState Value, KeyState Tombstone) DeletedOnA()
    {
        var a = new Node("a");
        var b = new Node("b");
        var value = b.Put("k", "1");
        a.Receive(value);
        var tombstone = a.Delete("k");
        var tomb = Assert.Single(tombstone.Siblings);
        Assert.True(tomb.IsTombstone);
        Assert.Equal(new Dot("a", 1), tomb.Update);
        Assert.Equal("b:1", tomb.Past.ToString());
        return (a, value, tombstone);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a:1")] // covers the tombstone but not the value it deleted
    [InlineData("b:1")] // covers the value but not the tombstone
    [InlineData("a:0;b:5")]
    public void A_tombstone_is_kept_until_the_stable_vector_covers_it_and_its_past(string stable)
    {
        var (a, _, _) = DeletedOnA();
        Assert.Equal(0, a.Replica.PurgeStable(VersionVector.Parse(stable), VersionVector.Parse(stable)));
        Assert.NotNull(a.Replica.Load("k"));
        Assert.Equal(0, a.Replica.Stats.TombstonesPurged);
    }

    [Fact]
    public void A_stable_tombstone_is_purged()
    {
        var (a, _, _) = DeletedOnA();
        var changes = new List<ReplicaChange>();
        a.Replica.Changed += changes.Add;
        Assert.Equal(1, a.Replica.PurgeStable(VersionVector.Parse("a:1;b:1"), VersionVector.Parse("a:1;b:1")));
        a.Replica.Commit();
        Assert.Null(a.Replica.Load("k"));
        Assert.Equal(new MerkleTree().Root, a.Replica.Tree.Root);
        Assert.Equal(1, a.Replica.Stats.TombstonesPurged);
        Assert.Equal(ChangeKind.Purged, Assert.Single(changes).Kind);
        Assert.Equal(0, a.Replica.PurgeStable(VersionVector.Parse("a:1;b:1"), VersionVector.Parse("a:1;b:1")));
    }

    [Fact]
    public void A_tombstone_waits_for_the_frontier_it_was_armed_with()
    {
        // c wrote a value concurrently with the delete; a never saw it. Every member holds the
        // tombstone (stable a:1;b:1), but c's report shows c:1, so a waits until c:1 is stable.
        var (a, _, _) = DeletedOnA();
        Assert.Equal(0, a.Replica.PurgeStable(VersionVector.Parse("a:1;b:1"), VersionVector.Parse("a:1;b:1;c:1")));
        Assert.NotNull(a.Replica.Load("k"));
        Assert.Equal(0, a.Replica.PurgeStable(VersionVector.Parse("a:1;b:1"), VersionVector.Parse("a:1;b:1;c:1")));
        Assert.Equal(1, a.Replica.PurgeStable(VersionVector.Parse("a:1;b:1;c:1"), VersionVector.Parse("a:1;b:1;c:1")));
        Assert.Null(a.Replica.Load("k"));
    }

    [Fact]
    public void The_stable_vector_only_moves_forward()
    {
        var (a, _, _) = DeletedOnA();
        Assert.Equal(0, a.Replica.PurgeStable(VersionVector.Parse("a:1"), VersionVector.Parse("a:1")));
        Assert.Equal(1, a.Replica.PurgeStable(VersionVector.Parse("b:1"), VersionVector.Parse("b:1"))); // joined with the earlier a:1
        Assert.Equal("a:1;b:1", a.Replica.Stable.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_stale_value_arriving_after_purge_does_not_resurrect_the_key(bool repair)
    {
        var (a, value, _) = DeletedOnA();
        Assert.Equal(1, a.Replica.PurgeStable(VersionVector.Parse("a:1;b:1"), VersionVector.Parse("a:1;b:1")));
        Assert.Equal(ApplyOutcome.Unchanged, a.Receive(value, repair));
        Assert.Null(a.Replica.Load("k"));
        Assert.False(a.Replica.Get("k").Found);
    }

    [Fact]
    public void In_repair_mode_a_stale_value_from_a_node_that_never_told_us_is_still_refused()
    {
        // Node c purged, and its record of applied updates was lost (say, restored from backup);
        // repair judges versions by stability alone.
        var (a, value, _) = DeletedOnA();
        a.Replica.PurgeStable(VersionVector.Parse("a:1;b:1"), VersionVector.Parse("a:1;b:1"));
        a.Replica.Commit();
        var c = new Node("c");
        c.Replica.PurgeStable(VersionVector.Parse("a:1;b:1"), VersionVector.Parse("a:1;b:1"));
        Assert.Equal(ApplyOutcome.Unchanged, c.Receive(value, repair: true));
        Assert.Null(c.Replica.Load("k"));
    }

    [Fact]
    public void A_concurrent_write_the_delete_never_saw_survives_the_purge()
    {
        var (a, _, _) = DeletedOnA();
        a.Replica.PurgeStable(VersionVector.Parse("a:1;b:1"), VersionVector.Parse("a:1;b:1"));
        var concurrent = new Node("c").Put("k", "\"c\"");
        Assert.Equal(ApplyOutcome.Changed, a.Receive(concurrent));
        Assert.Equal(["\"c\""], a.Values("k"));
    }

    [Fact]
    public void Live_keys_and_keys_with_a_live_sibling_are_never_purged()
    {
        var a = new Node("a");
        var b = new Node("b");
        a.Put("live", "1");
        var value = b.Put("mixed", "\"b\"");
        a.Put("mixed", "\"a\"");
        a.Delete("mixed", a.Replica.Get("mixed").Context);
        Assert.True(a.Replica.Load("mixed")!.IsDeleted);
        a.Receive(value); // b's value is concurrent with the delete, which never saw it
        Assert.False(a.Replica.Load("mixed")!.IsDeleted);
        Assert.Equal(2, a.Replica.Load("mixed")!.Siblings.Length);
        Assert.Equal(0, a.Replica.PurgeStable(VersionVector.Parse("a:10;b:10"), VersionVector.Parse("a:10;b:10")));
        Assert.NotNull(a.Replica.Load("live"));
        Assert.Equal(["\"b\""], a.Values("mixed"));
    }

    [Fact]
    public void A_purged_state_stays_purged_after_a_crash()
    {
        var (a, value, _) = DeletedOnA();
        a.Replica.PurgeStable(VersionVector.Parse("a:1;b:1"), VersionVector.Parse("a:1;b:1"));
        a.Replica.Commit();
        var reopened = a.CrashAndReopen();
        Assert.Null(reopened.Load("k"));
        Assert.Equal(ApplyOutcome.Unchanged, a.Receive(value));
        Assert.Null(reopened.Load("k"));
    }
}
