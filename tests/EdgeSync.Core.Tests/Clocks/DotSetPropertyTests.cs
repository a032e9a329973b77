using CsCheck;
using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Tests.Clocks;

public class DotSetPropertyTests
{
    private const long Iter = 400;

    private static readonly Gen<(DotSet, DotSet)> Two = Gen.Select(ClockGens.Set, ClockGens.Set);

    private static readonly Gen<(DotSet, DotSet, DotSet)> Three = Gen.Select(ClockGens.Set, ClockGens.Set, ClockGens.Set);

    [Fact]
    public void Generated_sets_have_gaps() =>
        // Guards the generator: the properties below are weak if no set ever holds extras.
        Assert.True(ClockGens.Set.Array[200].Single().Count(s => s.ExtraCount > 0) > 50);

    [Fact]
    public void Contains_Add_and_AddPrefix_agree_with_a_reference_set() =>
        ClockGens.Ops.Sample(ops =>
        {
            var set = new DotSet();
            var model = new HashSet<Dot>();
            foreach (var op in ops)
            {
                var added = op.ApplyTo(set);
                var modelAdded = op.ApplyTo(model);
                if (!op.Prefix)
                {
                    Assert.Equal(modelAdded, added);
                    Assert.True(set.Contains(op.Node, op.Counter));
                }
            }

            AssertMatches(model, set);
        }, iter: Iter);

    [Fact]
    public void Union_is_set_union() =>
        Two.Sample((a, b) =>
        {
            var expected = ClockGens.Dots(a);
            expected.UnionWith(ClockGens.Dots(b));
            var union = Union(a, b);
            AssertMatches(expected, union);
            Assert.True(union.ContainsAll(a));
            Assert.True(union.ContainsAll(b));
        }, iter: Iter);

    [Fact]
    public void Union_is_commutative() => Two.Sample((a, b) => AssertSame(Union(a, b), Union(b, a)), iter: Iter);

    [Fact]
    public void Union_is_associative() =>
        Three.Sample((a, b, c) => AssertSame(Union(Union(a, b), c), Union(a, Union(b, c))), iter: Iter);

    [Fact]
    public void Union_is_idempotent() =>
        Two.Sample((a, b) =>
        {
            AssertSame(a, Union(a, a));
            AssertSame(Union(a, b), Union(Union(a, b), b));
        }, iter: Iter);

    [Fact]
    public void Union_with_itself_changes_nothing() =>
        ClockGens.Set.Sample(a =>
        {
            var self = a.Clone();
            self.UnionWith(self);
            AssertSame(a, self);
        }, iter: Iter);

    [Fact]
    public void ContainsAll_agrees_with_subset() =>
        Two.Sample((a, b) =>
        {
            Assert.Equal(ClockGens.Dots(b).IsSubsetOf(ClockGens.Dots(a)), a.ContainsAll(b));
            Assert.True(a.ContainsAll(a));
            Assert.True(a.ContainsAll(new DotSet()));
        }, iter: Iter);

    [Fact]
    public void Equality_is_set_equality_whatever_the_construction_order() =>
        ClockGens.Ops.SelectMany(ops => Gen.Shuffle(ops.ToArray()).Select(shuffled => (ops, shuffled))).Sample(t =>
        {
            var a = ClockGens.Build(t.ops);
            var b = ClockGens.Build(t.shuffled);
            AssertSame(a, b);
            Assert.Equal(a.ExtraCount, b.ExtraCount);
        }, iter: Iter);

    [Fact]
    public void Clone_is_equal_and_independent() =>
        ClockGens.Set.Sample(a =>
        {
            var before = a.ToString();
            var copy = a.Clone();
            AssertSame(a, copy);
            copy.Add("fresh", 1);
            Assert.Equal(before, a.ToString());
            Assert.False(a.Contains("fresh", 1));
        }, iter: Iter);

    [Fact]
    public void Vectors_summarise_the_prefix_and_the_maximum() =>
        ClockGens.Set.Sample(a =>
        {
            var dots = ClockGens.Dots(a);
            var baseVector = a.ToBaseVector();
            var maxVector = a.ToMaxVector();
            foreach (var node in a.Nodes)
            {
                var prefix = 0L;
                while (dots.Contains(new Dot(node, prefix + 1)))
                {
                    prefix++;
                }

                Assert.Equal(prefix, baseVector[node]);
                Assert.Equal(dots.Where(d => d.Node == node).Select(d => d.Counter).DefaultIfEmpty(0).Max(), maxVector[node]);
            }

            Assert.True(maxVector.Dominates(baseVector));
            Assert.True(a.ContainsAll(DotSet.FromVector(baseVector)));
            Assert.True(DotSet.FromVector(maxVector).ContainsAll(a));
        }, iter: Iter);

    [Fact]
    public void Out_of_order_adds_compact_into_the_prefix()
    {
        var set = DotSet.Of(new Dot("a", 3), new Dot("a", 5), new Dot("a", 2));
        Assert.Equal("a:0+2+3+5", set.ToString());
        Assert.Equal(3, set.ExtraCount);
        Assert.True(set.Add("a", 1));
        Assert.Equal("a:3+5", set.ToString());
        Assert.Equal(3, set.BaseOf("a"));
        Assert.Equal(5, set.MaxOf("a"));
        Assert.False(set.Add("a", 2));
        Assert.True(set.Add("a", 4));
        Assert.Equal("a:5", set.ToString());
        Assert.Equal(0, set.ExtraCount);
        set.AddPrefix("a", 2);
        Assert.Equal("a:5", set.ToString());
    }

    [Fact]
    public void Non_positive_counters_are_always_contained_and_never_added()
    {
        var set = new DotSet();
        Assert.True(set.Contains("a", 0));
        Assert.False(set.Add("a", 0));
        Assert.False(set.Add("a", -3));
        set.AddPrefix("a", -1);
        Assert.True(set.IsEmpty);
        Assert.Equal(string.Empty, set.ToString());
    }

    private static DotSet Union(DotSet a, DotSet b)
    {
        var u = a.Clone();
        u.UnionWith(b);
        return u;
    }

    private static void AssertMatches(HashSet<Dot> model, DotSet set)
    {
        var wrong = ClockGens.Universe().Where(d => model.Contains(d) != set.Contains(d)).ToList();
        if (wrong.Count > 0)
        {
            Assert.Fail($"Contains disagrees with the model for {string.Join(", ", wrong)} in {set}");
        }

        if (!model.SetEquals(ClockGens.Dots(set)))
        {
            Assert.Fail($"{set} does not enumerate the model's dots");
        }
        foreach (var node in set.Nodes)
        {
            // Canonical form: extras start above base + 1, or they would have been compacted.
            Assert.All(set.ExtrasOf(node), c => Assert.True(c > set.BaseOf(node) + 1));
        }
    }

    private static void AssertSame(DotSet expected, DotSet actual)
    {
        Assert.Equal(expected, actual);
        Assert.Equal(expected.ToString(), actual.ToString());
        Assert.Equal(expected.GetHashCode(), actual.GetHashCode());
    }
}
