using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Core.Tests.Store;

public class KeyStateOpsTests
{
    private static Sibling Version(string node, long counter, long seq, long wall, int logical = 0, string? value = "1") =>
        new(new Dot(node, counter), seq, new HybridTimestamp(wall, logical), value, VersionVector.Empty);

    private static KeyState Written(Sibling fresh, ConflictPolicy policy, KeyState? local = null, DotSet? context = null)
    {
        local ??= KeyState.Empty("k");
        return KeyStateOps.Write(local, context ?? local.Context, fresh, policy);
    }

    [Fact]
    public void Writes_that_did_not_see_each_other_become_siblings_in_either_order()
    {
        var a = Written(Version("a", 1, 1, 10), ConflictPolicy.Siblings);
        var b = Written(Version("b", 1, 1, 10), ConflictPolicy.Siblings);
        var ab = KeyStateOps.Merge(a, b, ConflictPolicy.Siblings);
        Assert.Equal([new Dot("a", 1), new Dot("b", 1)], ab.Siblings.Select(s => s.Dot));
        KeyStateMergePropertyTests.AssertEquivalent(ab, KeyStateOps.Merge(b, a, ConflictPolicy.Siblings));
        Assert.Equal("a:1;b:1", ab.Context.ToString());
    }

    [Fact]
    public void A_write_that_saw_the_other_replaces_it()
    {
        var a = Written(Version("a", 1, 1, 10), ConflictPolicy.Siblings);
        var b = Written(Version("b", 1, 1, 5), ConflictPolicy.Siblings, local: a, context: a.Context);
        var merged = KeyStateOps.Merge(a, b, ConflictPolicy.Siblings);
        var survivor = Assert.Single(merged.Siblings);
        Assert.Equal(new Dot("b", 1), survivor.Dot); // causality, not the (older) timestamp, decides
        Assert.Equal("a:1", survivor.Past.ToString());
    }

    [Fact]
    public void A_write_without_context_supersedes_the_siblings_the_node_holds()
    {
        var a = Written(Version("a", 1, 1, 10), ConflictPolicy.Siblings);
        var both = KeyStateOps.Merge(a, Written(Version("b", 1, 4, 10), ConflictPolicy.Siblings), ConflictPolicy.Siblings);
        Assert.Equal(2, KeyStateOps.RemainingAfterWrite(both, new DotSet()));
        Assert.Equal(0, KeyStateOps.RemainingAfterWrite(both, both.Context));
        var next = Written(Version("a", 2, 2, 11), ConflictPolicy.Siblings, both);
        Assert.Equal(new Dot("a", 2), Assert.Single(next.Siblings).Dot);
        Assert.Equal("a:1;b:4", next.Siblings[0].Past.ToString());
    }

    [Theory]
    [InlineData(ConflictPolicy.Siblings)]
    [InlineData(ConflictPolicy.Lww)]
    public void A_tombstone_is_a_version_like_any_other(ConflictPolicy policy)
    {
        var a = Written(Version("a", 1, 1, 10), policy);
        var deleted = Written(Version("a", 2, 2, 11, value: null), policy, a);
        Assert.True(deleted.IsDeleted);
        Assert.Empty(deleted.LiveValues);
        KeyStateMergePropertyTests.AssertEquivalent(deleted, KeyStateOps.Merge(a, deleted, policy));
    }

    [Fact]
    public void Lww_prefers_the_higher_timestamp_then_the_higher_node_id_in_every_order()
    {
        var pairs = new (Sibling Loser, Sibling Winner)[]
        {
            (Version("z", 1, 1, 10, 0), Version("a", 1, 1, 11, 0)), // wall time first
            (Version("z", 1, 1, 10, 0), Version("a", 1, 1, 10, 1)), // then the logical counter
            (Version("a", 1, 1, 10, 2), Version("b", 1, 1, 10, 2)), // then the node id, ordinal
            (Version("B", 1, 1, 10, 2), Version("a", 1, 1, 10, 2)),
        };
        foreach (var (loser, winner) in pairs)
        {
            var l = Written(loser, ConflictPolicy.Lww);
            var w = Written(winner, ConflictPolicy.Lww);
            foreach (var merged in new[] { KeyStateOps.Merge(l, w, ConflictPolicy.Lww), KeyStateOps.Merge(w, l, ConflictPolicy.Lww) })
            {
                var survivor = Assert.Single(merged.Siblings);
                Assert.Equal(winner.Dot, survivor.Dot);
                Assert.True(survivor.Past.Covers(loser.Origin, loser.Seq), "the loser is folded into the winner's past");
                Assert.True(merged.Context.Contains(loser.Dot));
            }
        }
    }

    [Fact]
    public void Lww_keeps_the_losers_past_when_the_winner_is_superseded_later()
    {
        // a:1 loses to b:1 on node c; node d then overwrites b:1. The loser must stay in the past
        // of whatever survives, or a tombstone could be purged before a:1 is stable.
        var a1 = Written(Version("a", 1, 1, 10), ConflictPolicy.Lww);
        var b1 = Written(Version("b", 1, 1, 11), ConflictPolicy.Lww);
        var onC = KeyStateOps.Merge(a1, b1, ConflictPolicy.Lww);
        var onD = Written(Version("d", 1, 1, 12, value: null), ConflictPolicy.Lww, b1);
        var merged = KeyStateOps.Merge(onC, onD, ConflictPolicy.Lww);
        var survivor = Assert.Single(merged.Siblings);
        Assert.Equal(new Dot("d", 1), survivor.Dot);
        Assert.Equal("a:1;b:1", survivor.Past.ToString());
        KeyStateMergePropertyTests.AssertEquivalent(merged, KeyStateOps.Merge(onD, onC, ConflictPolicy.Lww));
    }

    [Fact]
    public void The_same_version_with_different_pasts_merges_into_the_joined_past()
    {
        var version = Version("a", 1, 1, 10);
        var left = new KeyState("k", [version with { Past = VersionVector.Parse("b:2") }], DotSet.Parse("a:1"));
        var right = new KeyState("k", [version with { Past = VersionVector.Parse("c:1") }], DotSet.Parse("a:1"));
        Assert.Equal("b:2;c:1", Assert.Single(KeyStateOps.Merge(left, right, ConflictPolicy.Siblings).Siblings).Past.ToString());
    }
}
