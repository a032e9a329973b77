using CsCheck;
using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Tests.Clocks;

public class VersionVectorPropertyTests
{
    private const long Iter = 500;

    private static readonly Gen<(VersionVector, VersionVector)> Two = Gen.Select(ClockGens.Vector, ClockGens.Vector);

    private static readonly Gen<(VersionVector, VersionVector, VersionVector)> Three =
        Gen.Select(ClockGens.Vector, ClockGens.Vector, ClockGens.Vector);

    [Fact]
    public void Merge_is_commutative() =>
        Two.Sample((a, b) => AssertSame(a.Merge(b), b.Merge(a)), iter: Iter);

    [Fact]
    public void Merge_is_associative() =>
        Three.Sample((a, b, c) => AssertSame(a.Merge(b).Merge(c), a.Merge(b.Merge(c))), iter: Iter);

    [Fact]
    public void Merge_is_idempotent() =>
        Two.Sample((a, b) =>
        {
            AssertSame(a, a.Merge(a));
            AssertSame(a.Merge(b), a.Merge(b).Merge(b));
        }, iter: Iter);

    [Fact]
    public void Merge_is_the_pointwise_maximum_and_least_upper_bound() =>
        Three.Sample((a, b, c) =>
        {
            var m = a.Merge(b);
            foreach (var node in a.Entries.Keys.Union(b.Entries.Keys))
            {
                Assert.Equal(Math.Max(a[node], b[node]), m[node]);
            }

            Assert.Equal(a.Entries.Keys.Union(b.Entries.Keys).Count(), m.Count);
            Assert.True(m.Dominates(a) && m.Dominates(b));
            if (c.Dominates(a) && c.Dominates(b))
            {
                Assert.True(c.Dominates(m));
            }
        }, iter: Iter);

    [Fact]
    public void Compare_agrees_with_merge() =>
        Two.Sample((a, b) =>
        {
            // a has seen everything b has exactly when merging b into a changes nothing.
            Assert.Equal(a.Merge(b).Equals(a), a.Dominates(b));
            Assert.Equal(b.Merge(a).Equals(b), b.Dominates(a));

            var expected = (a.Merge(b).Equals(a), b.Merge(a).Equals(b)) switch
            {
                (true, true) => CausalOrder.Equal,
                (true, false) => CausalOrder.After,
                (false, true) => CausalOrder.Before,
                _ => CausalOrder.Concurrent,
            };
            Assert.Equal(expected, a.Compare(b));
            Assert.Equal(Mirror(expected), b.Compare(a));
            Assert.Equal(a.Equals(b), a.Compare(b) == CausalOrder.Equal);
        }, iter: Iter);

    [Fact]
    public void Compare_is_consistent_with_generated_orderings() =>
        Two.Sample((a, b) =>
        {
            var joined = a.Merge(b);
            Assert.Equal(CausalOrder.Equal, a.Compare(a));
            Assert.True(a.Compare(joined) is CausalOrder.Before or CausalOrder.Equal);
            Assert.True(joined.Compare(b) is CausalOrder.After or CausalOrder.Equal);
        }, iter: Iter);

    [Fact]
    public void Min_is_the_pointwise_minimum_and_greatest_lower_bound() =>
        Three.Sample((a, b, c) =>
        {
            var min = VersionVector.Min([a, b, c]);
            foreach (var node in a.Entries.Keys.Union(b.Entries.Keys).Union(c.Entries.Keys))
            {
                Assert.Equal(Math.Min(a[node], Math.Min(b[node], c[node])), min[node]);
            }

            Assert.True(a.Dominates(min) && b.Dominates(min) && c.Dominates(min));
            Assert.DoesNotContain(min.Entries.Values, v => v <= 0);
            AssertSame(a, VersionVector.Min([a]));
            AssertSame(a, VersionVector.Min([a, a.Merge(b)]));
            AssertSame(VersionVector.Min([a, b]), VersionVector.Min([b, a]));
        }, iter: Iter);

    [Fact]
    public void Text_form_round_trips_and_equal_vectors_hash_equally() =>
        Two.Sample((a, b) =>
        {
            AssertSame(a, VersionVector.Parse(a.ToString()));
            if (a.Equals(b))
            {
                Assert.Equal(a.ToString(), b.ToString());
                Assert.Equal(a.GetHashCode(), b.GetHashCode());
            }
        }, iter: Iter);

    [Fact]
    public void From_drops_non_positive_counters_and_keeps_the_maximum_of_duplicates()
    {
        var v = VersionVector.From([new("a", 3), new("a", 7), new("a", 5), new("b", 0), new("c", -2)]);
        Assert.Equal("a:7", v.ToString());
        Assert.Same(VersionVector.Empty, VersionVector.From([new("b", 0)]));
    }

    [Fact]
    public void With_only_moves_forward()
    {
        var v = VersionVector.Parse("a:3");
        Assert.Same(v, v.With("a", 2));
        Assert.Equal("a:4;b:1", v.With("a", 4).With("b", 1).ToString());
        Assert.True(v.Covers("a", 3));
        Assert.False(v.Covers("a", 4));
        Assert.True(v.Covers("z", 0));
    }

    [Theory]
    [InlineData("a")]
    [InlineData(":3")]
    [InlineData("a:")]
    [InlineData("a:-1")]
    [InlineData("a:x")]
    [InlineData("a:1;")]
    [InlineData("a:1;;b:2")]
    [InlineData("a b:1")]
    [InlineData("a:99999999999999999999")]
    [InlineData("a:1 ")]
    public void Malformed_text_is_rejected_with_FormatException(string text) =>
        Assert.Throws<FormatException>(() => VersionVector.Parse(text));

    [Fact]
    public void Parse_of_empty_text_is_the_empty_vector() => Assert.Same(VersionVector.Empty, VersionVector.Parse(""));

    private static void AssertSame(VersionVector expected, VersionVector actual)
    {
        Assert.Equal(expected, actual);
        Assert.Equal(expected.ToString(), actual.ToString());
        Assert.Equal(expected.GetHashCode(), actual.GetHashCode());
    }

    private static CausalOrder Mirror(CausalOrder order) => order switch
    {
        CausalOrder.Before => CausalOrder.After,
        CausalOrder.After => CausalOrder.Before,
        _ => order,
    };
}
