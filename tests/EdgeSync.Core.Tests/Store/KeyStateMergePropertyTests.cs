using CsCheck;
using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Core.Tests.Store;

public class KeyStateMergePropertyTests
{
    private const long Iter = 150;

    private static readonly Gen<(HistoryStep[], int, int, int)> HistoryAndPicks =
        Gen.Select(KeyHistory.Steps(30), Gen.Int[0, 10_000], Gen.Int[0, 10_000], Gen.Int[0, 10_000]);

    [Theory]
    [InlineData(ConflictPolicy.Siblings)]
    [InlineData(ConflictPolicy.Lww)]
    public void Merge_is_commutative(ConflictPolicy policy) =>
        HistoryAndPicks.Sample((steps, i, j, _) =>
        {
            var h = KeyHistory.Run(steps, policy);
            var (a, b) = (h.Pick(i), h.Pick(j));
            AssertEquivalent(KeyStateOps.Merge(a, b, policy), KeyStateOps.Merge(b, a, policy));
        }, iter: Iter);

    [Theory]
    [InlineData(ConflictPolicy.Siblings)]
    [InlineData(ConflictPolicy.Lww)]
    public void Merge_is_associative(ConflictPolicy policy) =>
        HistoryAndPicks.Sample((steps, i, j, k) =>
        {
            var h = KeyHistory.Run(steps, policy);
            var (a, b, c) = (h.Pick(i), h.Pick(j), h.Pick(k));
            AssertEquivalent(
                KeyStateOps.Merge(KeyStateOps.Merge(a, b, policy), c, policy),
                KeyStateOps.Merge(a, KeyStateOps.Merge(b, c, policy), policy));
        }, iter: Iter);

    [Theory]
    [InlineData(ConflictPolicy.Siblings)]
    [InlineData(ConflictPolicy.Lww)]
    public void Merge_is_idempotent(ConflictPolicy policy) =>
        HistoryAndPicks.Sample((steps, i, j, _) =>
        {
            var h = KeyHistory.Run(steps, policy);
            var (a, b) = (h.Pick(i), h.Pick(j));
            AssertEquivalent(a, KeyStateOps.Merge(a, a, policy));
            var ab = KeyStateOps.Merge(a, b, policy);
            AssertEquivalent(ab, KeyStateOps.Merge(ab, b, policy));
            AssertEquivalent(ab, KeyStateOps.Merge(ab, a, policy));
        }, iter: Iter);

    [Theory]
    [InlineData(ConflictPolicy.Siblings)]
    [InlineData(ConflictPolicy.Lww)]
    public void Every_delivery_order_converges_to_the_same_state(ConflictPolicy policy) =>
        KeyHistory.Steps(30).SelectMany(steps => Gen.Int.Select(seed => (steps, seed))).Sample(t =>
        {
            var h = KeyHistory.Run(t.steps, policy);
            var inOrder = h.MergeAll(h.Snapshots);
            var shuffled = h.Snapshots.ToArray();
            new Random(t.seed).Shuffle(shuffled);
            AssertEquivalent(inOrder, h.MergeAll(shuffled));
            AssertEquivalent(inOrder, h.MergeAll(h.Snapshots.AsEnumerable().Reverse()));
        }, iter: Iter);

    [Fact]
    public void Siblings_are_exactly_the_writes_nobody_superseded() =>
        KeyHistory.Steps(30).Sample(steps =>
        {
            var h = KeyHistory.Run(steps, ConflictPolicy.Siblings);
            var all = h.MergeAll(h.Snapshots);
            Assert.Equal(h.Maximal().Select(s => s.Dot).Order(), KeyHistory.DotsOf(all));
            foreach (var state in h.Snapshots.Append(all))
            {
                AssertOnlyConcurrentSiblings(h, state);
            }
        }, iter: Iter);

    [Fact]
    public void Lww_keeps_one_version_the_highest_timestamp_with_node_id_tie_break() =>
        KeyHistory.Steps(30).Sample(steps =>
        {
            var h = KeyHistory.Run(steps, ConflictPolicy.Lww);
            Assert.All(h.Snapshots, s => Assert.True(s.Siblings.Length <= 1));
            var all = h.MergeAll(h.Snapshots);
            if (h.Writes.Count == 0)
            {
                Assert.Empty(all.Siblings);
                return;
            }

            var expected = KeyHistory.LwwMax(h.Writes.Values.Select(w => w.Version));
            Assert.Equal(expected.Dot, Assert.Single(all.Siblings).Dot);
        }, iter: Iter);

    [Theory]
    [InlineData(ConflictPolicy.Siblings)]
    [InlineData(ConflictPolicy.Lww)]
    public void A_write_with_the_merged_context_resolves_every_sibling(ConflictPolicy policy) =>
        KeyHistory.Steps(30).Sample(steps =>
        {
            var h = KeyHistory.Run(steps, policy);
            var merged = h.MergeAll(h.Snapshots);
            var fresh = Fresh(merged);
            var written = KeyStateOps.Write(merged, merged.Context, fresh, policy);

            Assert.Equal(fresh.Dot, Assert.Single(written.Siblings).Dot);
            Assert.True(written.Context.ContainsAll(merged.Context));
            Assert.True(written.Context.Contains(fresh.Dot));
            Assert.Equal(0, KeyStateOps.RemainingAfterWrite(merged, merged.Context));

            // The new version records every update it superseded, for tombstone purge.
            var past = written.Siblings[0].Past;
            Assert.All(merged.Siblings, s => Assert.True(past.Covers(s.Origin, s.Seq) && past.Dominates(s.Past)));

            // Every replica that later sees the write drops the versions it resolved.
            foreach (var state in h.Snapshots)
            {
                AssertEquivalent(written, KeyStateOps.Merge(state, written, policy));
            }
        }, iter: Iter);

    [Fact]
    public void A_blind_write_becomes_a_sibling_of_everything_held() =>
        KeyHistory.Steps(30).Sample(steps =>
        {
            var h = KeyHistory.Run(steps, ConflictPolicy.Siblings);
            var merged = h.MergeAll(h.Snapshots);
            var fresh = Fresh(merged);
            var written = KeyStateOps.Write(merged, new DotSet(), fresh, ConflictPolicy.Siblings);
            Assert.Equal(KeyHistory.DotsOf(merged).Append(fresh.Dot).Order(), KeyHistory.DotsOf(written));
        }, iter: Iter);

    [Fact]
    public void Superseded_updates_are_recorded_in_the_survivors_past() =>
        // Client contexts carried between nodes are left out: see ReplicaCrossNodeContextTests.
        KeyHistory.Steps(30, maxKind: HistoryStep.Kinds - 1).Where(s => s.All(x => x.Kind != HistoryStep.ClientContextWrite)).Sample(steps =>
        {
            foreach (var policy in new[] { ConflictPolicy.Siblings, ConflictPolicy.Lww })
            {
                var h = KeyHistory.Run(steps, policy);
                var all = h.MergeAll(h.Snapshots);
                var covered = all.Siblings.Aggregate(VersionVector.Empty, (v, s) => v.Merge(s.Past).With(s.Origin, s.Seq));
                Assert.All(h.Writes.Values, w => Assert.True(covered.Covers(w.Version.Origin, w.Version.Seq), $"{w.Version.Update} is lost from {covered}"));
            }
        }, iter: Iter);

    internal static void AssertEquivalent(KeyState expected, KeyState actual)
    {
        Assert.True(expected.SameAs(actual) && actual.SameAs(expected), $"{Describe(expected)} != {Describe(actual)}");
        Assert.Equal(KeyStateCodec.Encode(expected), KeyStateCodec.Encode(actual));
    }

    internal static string Describe(KeyState s) =>
        $"[{string.Join(", ", s.Siblings.Select(x => $"{x.Dot}@{x.Timestamp} past {x.Past}"))}] ctx {s.Context}";

    private static void AssertOnlyConcurrentSiblings(KeyHistory h, KeyState state)
    {
        foreach (var x in state.Siblings)
        {
            foreach (var y in state.Siblings.Where(y => y.Dot != x.Dot))
            {
                Assert.False(h.Writes[x.Dot].Superseded.Contains(y.Dot), $"{x.Dot} superseded its sibling {y.Dot}");
            }
        }
    }

    private static Sibling Fresh(KeyState merged) =>
        new(new Dot("z", merged.Context.MaxOf("z") + 1), 1, new HybridTimestamp(1_000, 0), "\"fresh\"", VersionVector.Empty);
}
