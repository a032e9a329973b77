using System.Text;
using CsCheck;
using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Core.Tests.Store;

/// <summary>Reading "deleted?" and "which updates?" from the encoded form agrees with decoding it.</summary>
public class KeyStateScanTests
{
    private static readonly Gen<KeyState> States = KeyStateCodecTests.States;

    [Fact]
    public void Agrees_with_the_decoded_state_for_every_generated_state()
    {
        var seen = new bool[2];
        States.Sample(state =>
        {
            Assert.Equal(state.IsDeleted, KeyStateScan.IsDeleted(KeyStateCodec.Encode(state)));
            seen[state.IsDeleted ? 1 : 0] = true;
        }, iter: 500);
        Assert.True(seen[0] && seen[1], "the generator gave both live and deleted states");
    }

    [Fact]
    public void Reads_tombstones_among_values_long_strings_and_large_numbers()
    {
        var longValue = "\"" + new string('v', 300) + "\""; // a length prefix of two bytes
        Sibling Tombstone(string node, long counter) =>
            new(new Dot(node, counter), long.MaxValue, new HybridTimestamp(long.MinValue, int.MaxValue), null, VersionVector.Parse("b:2;c:9"));
        var deleted = new KeyState("k/ü", [Tombstone("a", 1), Tombstone("b", long.MaxValue)], DotSet.Parse("a:1;b:2+4"));
        var live = deleted with { Siblings = deleted.Siblings.Add(new Sibling(new Dot("c", 3), 5, new HybridTimestamp(1, 0), longValue, VersionVector.Empty)) };
        var empty = new KeyState("k", [], DotSet.Parse("a:1"));

        Assert.True(KeyStateScan.IsDeleted(KeyStateCodec.Encode(deleted)));
        Assert.False(KeyStateScan.IsDeleted(KeyStateCodec.Encode(live)));
        Assert.True(KeyStateScan.IsDeleted(KeyStateCodec.Encode(empty))); // as KeyState.IsDeleted: no live value
    }

    [Fact]
    public void A_truncated_state_is_a_FormatException_or_still_the_right_answer() =>
        States.Sample(state =>
        {
            var bytes = KeyStateCodec.Encode(state);
            for (var length = 0; length < bytes.Length; length++)
            {
                try
                {
                    // It stops at the first value it finds, so a state cut after that still answers "live".
                    Assert.False(KeyStateScan.IsDeleted(bytes.AsSpan(0, length)));
                    Assert.False(state.IsDeleted);
                }
                catch (FormatException)
                {
                }
            }
        }, iter: 60);

    [Fact]
    public void Finds_exactly_the_updates_of_an_origin_above_a_sequence_number() =>
        Gen.Select(States, Gen.Int[0, 30]).Sample(t =>
        {
            var (state, after) = t;
            var bytes = KeyStateCodec.Encode(state);
            foreach (var origin in state.Siblings.Select(s => s.Origin).Append("nobody").Distinct())
            {
                var found = new List<long>();
                KeyStateScan.SeqsFrom(bytes, Encoding.UTF8.GetBytes(origin), after, found);
                Assert.Equal(state.Siblings.Where(s => s.Origin == origin && s.Seq > after).Select(s => s.Seq), found);
            }
        }, iter: 500);

    [Fact]
    public void Every_truncation_is_a_FormatException_when_reading_updates() =>
        States.Sample(state =>
        {
            var bytes = KeyStateCodec.Encode(state);
            for (var length = 0; length < bytes.Length; length++)
            {
                Assert.Throws<FormatException>(() => KeyStateScan.SeqsFrom(bytes.AsSpan(0, length), "a"u8, 0, []));
            }
        }, iter: 40);

    [Fact]
    public void An_unknown_version_is_a_FormatException()
    {
        var bytes = KeyStateCodec.Encode(new KeyState("k", [], DotSet.Parse("a:1")));
        bytes[0] = 2;
        Assert.Throws<FormatException>(() => KeyStateScan.IsDeleted(bytes));
    }
}
