using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Tests.Store;

public class ReplicaDurabilityTests
{
    [Fact]
    public void A_crash_keeps_exactly_the_committed_writes()
    {
        var a = new Node("a");
        a.Put("kept", "1");
        a.Put("deleted", "1");
        var committedRoot = a.Replica.Tree.Root;

        Assert.True(a.Replica.Put("lost", "2", null).Ok);
        Assert.True(a.Replica.Put("kept", "3", null).Ok);
        Assert.True(a.Replica.Delete("deleted", null).Ok);
        var reopened = a.CrashAndReopen();

        Assert.Equal(["1"], a.Values("kept"));
        Assert.Equal(["1"], a.Values("deleted"));
        Assert.False(reopened.Get("lost").Found);
        Assert.Equal(2, reopened.LiveKeys);
        Assert.Equal(committedRoot, reopened.Tree.Root);
        Assert.Equal("a:2", reopened.Applied.ToString());
    }

    [Fact]
    public void The_reopened_tree_is_rebuilt_from_the_stored_states()
    {
        var a = new Node("a");
        var b = new Node("b");
        for (var i = 0; i < 30; i++)
        {
            a.Receive(b.Put($"k{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        a.Delete("k3");
        var root = a.Replica.Tree.Root;
        var reopened = a.CrashAndReopen();
        Assert.Equal(root, reopened.Tree.Root);
        Assert.NotEqual(b.Replica.Tree.Root, root); // a holds a tombstone b has not seen
        Assert.Equal(29, reopened.LiveKeys);
    }

    [Fact]
    public void Applied_updates_survive_a_restart_so_replays_stay_no_ops()
    {
        var a = new Node("a");
        var b = new Node("b");
        var first = b.Put("k", "1");
        var second = b.Put("k", "2");
        a.Receive(second);
        var reopened = a.CrashAndReopen();
        Assert.True(reopened.Applied.Contains("b", 2));
        Assert.Equal(ApplyOutcome.Unchanged, a.Receive(second));
        Assert.Equal(ApplyOutcome.Unchanged, a.Receive(first));
        Assert.Equal(["2"], a.Values("k"));
    }

    [Fact]
    public void An_uncommitted_apply_is_lost_and_can_be_applied_again()
    {
        var a = new Node("a");
        var state = new Node("b").Put("k", "1");
        Assert.Equal(ApplyOutcome.Changed, a.Replica.Apply(state));
        var reopened = a.CrashAndReopen();
        Assert.False(reopened.Applied.Contains("b", 1));
        Assert.False(reopened.Get("k").Found);
        Assert.Equal(ApplyOutcome.Changed, a.Receive(state));
        Assert.Equal(["1"], a.Values("k"));
    }

    [Fact]
    public void The_hybrid_clock_never_goes_backwards_across_a_restart_into_1970()
    {
        var a = new Node("a");
        // A peer far ahead pulls the clock forward; the write is committed.
        var ahead = new Node("b", time: new Clocks.SettableTimeProvider(Node.Today.AddDays(30)));
        a.Receive(ahead.Put("x", "0"));
        var before = Assert.Single(a.Put("k", "1").Siblings).Timestamp;

        a.Time.Now = DateTimeOffset.UnixEpoch; // power loss, reboot without RTC
        var reopened = a.CrashAndReopen();
        Assert.True(reopened.Clock.Last >= before);
        var after = Assert.Single(a.Put("k", "2").Siblings).Timestamp;
        Assert.True(after > before, $"{after} is not after {before}");
    }

    [Fact]
    public void Node_wide_sequence_numbers_continue_after_a_restart()
    {
        var a = new Node("a");
        a.Put("k1", "1");
        a.Put("k2", "1");
        a.CrashAndReopen();
        var write = a.Replica.Put("k3", "1", null);
        Assert.Equal(new Dot("a", 3), write.Update);
        // A dot's counter is the node-wide sequence, so a key rewritten after a purge never reuses one.
        Assert.Equal(new Dot("a", 3), write.State!.Siblings[0].Dot);
    }

    [Fact]
    public void A_new_replica_on_empty_storage_starts_empty()
    {
        var a = new Node("a");
        Assert.True(a.Replica.Applied.IsEmpty);
        Assert.Equal(HybridTimestamp.Zero, a.Replica.Clock.Last);
        Assert.Equal(new MerkleTree().Root, a.Replica.Tree.Root);
        Assert.Equal(0, a.Replica.LiveKeys);
    }
}
