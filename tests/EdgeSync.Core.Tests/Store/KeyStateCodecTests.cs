using System.Collections.Immutable;
using System.Text;
using CsCheck;
using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Core.Tests.Store;

public class KeyStateCodecTests
{
    /// <summary>States from generated multi-node histories, tombstones and siblings included.</summary>
    internal static readonly Gen<KeyState> States =
        Gen.Select(KeyHistory.Steps(20), Gen.Bool, Gen.Int[0, 10_000])
            .Select(t => KeyHistory.Run(t.Item1, t.Item2 ? ConflictPolicy.Lww : ConflictPolicy.Siblings).Pick(t.Item3));

    [Fact]
    public void Round_trips_every_generated_state() =>
        States.Sample(state =>
        {
            var bytes = KeyStateCodec.Encode(state);
            var decoded = KeyStateCodec.Decode(bytes);
            KeyStateMergePropertyTests.AssertEquivalent(state, decoded);
            Assert.Equal(state.Key, decoded.Key);
            Assert.Equal(state.Siblings.Select(s => (s.Seq, s.Timestamp, s.Value)), decoded.Siblings.Select(s => (s.Seq, s.Timestamp, s.Value)));
            Assert.Equal(KeyStateCodec.Digest(state), KeyStateCodec.Digest(decoded));
        }, iter: 300);

    [Fact]
    public void Round_trips_unicode_keys_values_and_tombstones()
    {
        var state = new KeyState(
            "sensors/温度/🌡",
            [
                new Sibling(new Dot("a", 1), 7, new HybridTimestamp(-5, 3), "{\"v\":\"ünï€😀\"}", VersionVector.Parse("b:2;c:9")),
                new Sibling(new Dot("b", 4), 1, new HybridTimestamp(long.MaxValue, int.MaxValue), null, VersionVector.Empty),
            ],
            DotSet.Parse("a:1;b:2+4"));
        var decoded = KeyStateCodec.Decode(KeyStateCodec.Encode(state));
        KeyStateMergePropertyTests.AssertEquivalent(state, decoded);
        Assert.Equal("{\"v\":\"ünï€😀\"}", decoded.Siblings[0].Value);
        Assert.True(decoded.Siblings[1].IsTombstone);
        Assert.Equal(new HybridTimestamp(long.MaxValue, int.MaxValue), decoded.Siblings[1].Timestamp);
    }

    [Fact]
    public void Every_truncation_is_a_FormatException() =>
        States.Sample(state =>
        {
            var bytes = KeyStateCodec.Encode(state);
            for (var length = 0; length < bytes.Length; length++)
            {
                Assert.Throws<FormatException>(() => KeyStateCodec.Decode(bytes.AsSpan(0, length)));
            }
        }, iter: 40);

    [Fact]
    public void Trailing_bytes_and_unknown_versions_are_FormatExceptions()
    {
        var bytes = KeyStateCodec.Encode(KeyHistory.Run([new HistoryStep(0, 0, 0, 1)], ConflictPolicy.Siblings).States[0]);
        Assert.Throws<FormatException>(() => KeyStateCodec.Decode([.. bytes, 0]));
        var future = bytes.ToArray();
        future[0] = 2;
        Assert.Throws<FormatException>(() => KeyStateCodec.Decode(future));
    }

    [Fact]
    public void Invalid_keys_node_ids_and_dots_are_FormatExceptions()
    {
        static byte[] Encoded(string key, string node, long counter, long seq, string context = "a:1")
        {
            using var stream = new MemoryStream();
            using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                w.Write(KeyStateCodec.Version);
                w.Write(key);
                w.Write(context);
                w.Write7BitEncodedInt(1);
                w.Write(node);
                w.Write7BitEncodedInt64(counter);
                w.Write7BitEncodedInt64(seq);
                w.Write(0L);
                w.Write7BitEncodedInt(0);
                w.Write(false);
                w.Write(string.Empty);
            }

            return stream.ToArray();
        }

        Assert.Equal("k", KeyStateCodec.Decode(Encoded("k", "a", 1, 1)).Key); // the well-formed control
        Assert.Throws<FormatException>(() => KeyStateCodec.Decode(Encoded("", "a", 1, 1)));
        Assert.Throws<FormatException>(() => KeyStateCodec.Decode(Encoded("bad\nkey", "a", 1, 1)));
        Assert.Throws<FormatException>(() => KeyStateCodec.Decode(Encoded(new string('k', 513), "a", 1, 1)));
        Assert.Throws<FormatException>(() => KeyStateCodec.Decode(Encoded("k", "bad node", 1, 1)));
        Assert.Throws<FormatException>(() => KeyStateCodec.Decode(Encoded("k", "a", 0, 1)));
        Assert.Throws<FormatException>(() => KeyStateCodec.Decode(Encoded("k", "a", 1, 0)));
        Assert.Throws<FormatException>(() => KeyStateCodec.Decode(Encoded("k", "a", 1, 1, context: "a:x")));
    }

    [Fact]
    public void Invalid_utf8_is_a_FormatException()
    {
        var bytes = KeyStateCodec.Encode(KeyState.Empty("kk"));
        var at = Array.IndexOf(bytes, (byte)'k');
        bytes[at] = 0xC3; // a lead byte followed by 'k' is not UTF-8
        Assert.Throws<FormatException>(() => KeyStateCodec.Decode(bytes));
    }

    [Fact]
    public void Garbage_is_a_FormatException_never_anything_else() =>
        Gen.OneOf(
                Gen.Byte.Array[0, 200],
                Gen.Select(States, Gen.Int[0, 100_000], Gen.Byte).Select(t =>
                {
                    // A valid encoding with one byte flipped.
                    var bytes = KeyStateCodec.Encode(t.Item1);
                    bytes[t.Item2 % bytes.Length] ^= (byte)(t.Item3 | 1);
                    return bytes;
                }))
            .Sample(bytes =>
            {
                try
                {
                    var decoded = KeyStateCodec.Decode(bytes);
                    // Whatever decodes must be usable: it merges with itself and an empty state.
                    _ = KeyStateOps.Merge(decoded, decoded, ConflictPolicy.Siblings);
                    _ = KeyStateOps.Merge(KeyState.Empty(decoded.Key), decoded, ConflictPolicy.Lww);
                }
                catch (FormatException)
                {
                }
            }, iter: 3000);

    [Fact]
    public void Equal_states_encode_to_equal_bytes_whatever_the_merge_order() =>
        Gen.Select(KeyHistory.Steps(20), Gen.Int).Sample((steps, seed) =>
        {
            var h = KeyHistory.Run(steps, ConflictPolicy.Siblings);
            var shuffled = h.Snapshots.ToArray();
            new Random(seed).Shuffle(shuffled);
            Assert.Equal(KeyStateCodec.Encode(h.MergeAll(h.Snapshots)), KeyStateCodec.Encode(h.MergeAll(shuffled)));
        }, iter: 100);

    [Fact]
    public void A_state_with_a_duplicated_version_is_rejected()
    {
        var version = new Sibling(new Dot("a", 1), 1, new HybridTimestamp(1, 0), "1", VersionVector.Empty);
        var forged = new KeyState("k", ImmutableArray.Create(version, version), DotSet.Parse("a:1"));

        // Accepted, it would make the replica throw (duplicate dictionary key) on Apply.
        Assert.Throws<ArgumentException>(() => new Node("b").Replica.Apply(forged));
        var error = Assert.Throws<FormatException>(() => KeyStateCodec.Decode(KeyStateCodec.Encode(forged)));
        Assert.Contains("a:1", error.Message, StringComparison.Ordinal);
    }
}
