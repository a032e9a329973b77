using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Tests.Sync;

public sealed class SyncCodecTests
{
    private static readonly KeyState State = new(
        "sensors/greenhouse/temp",
        [new Sibling(new Dot("a", 3), 3, new HybridTimestamp(1_700_000_000_000, 2), "{\"c\":21.5}", VersionVector.Parse("b:2")),
         new Sibling(new Dot("b", 5), 5, new HybridTimestamp(1_700_000_000_001, 0), null, VersionVector.Empty)],
        DotSet.Parse("a:3;b:5"));

    public static TheoryData<string> MessageNames => [.. Samples().Select(m => m.GetType().Name)];

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void EveryMessageRoundTrips(string name)
    {
        var message = Samples().Single(m => m.GetType().Name == name);
        var bytes = SyncCodec.Encode(message);
        var decoded = SyncCodec.Decode(bytes);
        Assert.IsType(message.GetType(), decoded);
        Assert.Equal(message.Fleet, decoded.Fleet);
        Assert.Equal(message.Sender, decoded.Sender);
        Assert.Equal(bytes, SyncCodec.Encode(decoded));
    }

    [Fact]
    public void DecodedFieldsMatch()
    {
        var decoded = (DeltaResponse)SyncCodec.Decode(SyncCodec.Encode(new DeltaResponse("f", "a", 9, [State], DotSet.Parse("a:3+7;b:5"))));
        Assert.Equal(9, decoded.Round);
        Assert.Equal("a:3+7;b:5", decoded.Coverage!.ToString());
        Assert.True(decoded.States.Single().SameAs(State));
        Assert.Equal("{\"c\":21.5}", decoded.States[0].Siblings[0].Value);
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void EveryTruncationIsAFormatException(string name)
    {
        var bytes = SyncCodec.Encode(Samples().Single(m => m.GetType().Name == name));
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<FormatException>(() => SyncCodec.Decode(bytes.AsSpan(0, length)));
        }
    }

    [Fact]
    public void RandomGarbageAndCorruptionAreOnlyEverFormatExceptions()
    {
        var random = new Random(12345);
        var samples = Samples().Select(m => SyncCodec.Encode(m)).ToList();
        for (var i = 0; i < 20_000; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[random.Next(0, 200)];
                random.NextBytes(input);
                if (input.Length > 0)
                {
                    input[0] = SyncCodec.Version;
                }
            }
            else
            {
                input = (byte[])samples[random.Next(samples.Count)].Clone();
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    input[random.Next(input.Length)] = (byte)random.Next(256);
                }
            }

            try
            {
                SyncCodec.Decode(input);
            }
            catch (FormatException)
            {
                // expected for most inputs; anything else fails the test
            }
        }
    }

    [Fact]
    public void OversizedInputIsRejectedBeforeParsing()
    {
        var bytes = SyncCodec.Encode(new PushMessage("f", "a", State));
        var error = Assert.Throws<FormatException>(() => SyncCodec.Decode(bytes, maxBytes: bytes.Length - 1));
        Assert.Contains("at most", error.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => SyncCodec.Decode(new byte[SyncCodec.DefaultMaxMessageBytes + 1]));
    }

    [Fact]
    public void EncodingAnOversizedMessageIsRefused()
    {
        Assert.Throws<ArgumentException>(() => SyncCodec.Encode(new PushMessage("f", "a", State), maxBytes: 16));
    }

    [Fact]
    public void AnotherVersionOrAnUnknownTypeIsAFormatException()
    {
        var bytes = SyncCodec.Encode(new PushMessage("f", "a", State));
        bytes[0] = SyncCodec.Version + 1;
        Assert.Contains("version", Assert.Throws<FormatException>(() => SyncCodec.Decode(bytes)).Message, StringComparison.Ordinal);
        bytes[0] = SyncCodec.Version;
        bytes[1] = 200;
        Assert.Throws<FormatException>(() => SyncCodec.Decode(bytes));
    }

    [Fact]
    public void TrailingBytesAndBadIdsAreFormatExceptions()
    {
        var bytes = SyncCodec.Encode(new DigestRequest("f", "a", 1, 0, [0], [42]));
        Assert.Throws<FormatException>(() => SyncCodec.Decode([.. bytes, 0]));
        Assert.Throws<FormatException>(() => SyncCodec.Decode(SyncCodec.Encode(new DigestRequest("f", "bad id!", 1, 0, [0], [42]))));
        Assert.Throws<FormatException>(() => SyncCodec.Decode(SyncCodec.Encode(new DigestRequest("f", "a", 1, 1, [16], [42]))));
        Assert.Throws<FormatException>(() => SyncCodec.Decode(SyncCodec.Encode(new DigestRequest("f", "a", 1, 3, [0], [42]))));
        Assert.Throws<FormatException>(() => SyncCodec.Decode(SyncCodec.Encode(new DigestResponse("f", "a", 1, 0, [0], [1, 2]))));
        Assert.Throws<ArgumentException>(() => SyncCodec.Encode(new BucketRequest("f", "a", 1, [3], [2], [1], VersionVector.Empty)));
    }

    [Fact]
    public void MerkleMessageFieldsSurviveTheWire()
    {
        var request = (BucketRequest)SyncCodec.Decode(SyncCodec.Encode(new BucketRequest("f", "a", 77, [0, 17, 4095], [2, 0, 1], [5, 6, ushort.MaxValue], VersionVector.Parse("a:12;b:4"))));
        Assert.Equal([0, 17, 4095], request.Buckets);
        Assert.Equal([5, 6, ushort.MaxValue], request.Prints);
        var many = Enumerable.Range(0, 300).Select(i => (ushort)((i * 7919) % 65536)).ToArray();
        var big = (BucketRequest)SyncCodec.Decode(SyncCodec.Encode(new BucketRequest("f", "a", 1, [1, 2, 3], [1, 299, 0], many, VersionVector.Empty)));
        Assert.Equal(many[..1], big.Prints.Take(1));
        Assert.Equal(many[1..].Order(), big.Prints.Skip(1)); // sorted within a bucket: their order means nothing
        Assert.Equal("a:12;b:4", request.Applied.ToString());
        var digest = (DigestResponse)SyncCodec.Decode(SyncCodec.Encode(new DigestResponse("f", "b", 0xDEADBEEF, 1, [3, 12], [.. Enumerable.Range(0, 32).Select(i => uint.MaxValue - (uint)i)])));
        Assert.Equal((0xDEADBEEF, 1), (digest.Salt, digest.Level));
        Assert.Equal([3, 12], digest.Indices);
        Assert.Equal(uint.MaxValue - 31, digest.Children[31]);

        // Leaf hashes (children of level 2) travel as 16 bits; a wider one is a caller bug.
        var leaves = SyncCodec.Encode(new DigestResponse("f", "b", 1, 2, [7], [.. Enumerable.Range(0, 16).Select(i => (uint)(ushort.MaxValue - i))]));
        Assert.Equal((uint)(ushort.MaxValue - 15), ((DigestResponse)SyncCodec.Decode(leaves)).Children[15]);
        Assert.Throws<ArgumentException>(() => SyncCodec.Encode(new DigestResponse("f", "b", 1, 2, [7], [.. Enumerable.Range(0, 16).Select(i => (uint)ushort.MaxValue + 1)])));
        Assert.True(((StatesResponse)SyncCodec.Decode(SyncCodec.Encode(new StatesResponse("f", "b", [State], VersionVector.Empty, IsReply: true)))).IsReply);
        Assert.False(((StatesResponse)SyncCodec.Decode(SyncCodec.Encode(new StatesResponse("f", "b", [State], VersionVector.Empty)))).IsReply);
    }

    [Fact]
    public void UnsortedIndicesAreRefusedOnBothEnds()
    {
        Assert.Throws<ArgumentException>(() => SyncCodec.Encode(new BucketRequest("f", "a", 1, [5, 5], [0, 0], [], VersionVector.Empty)));
        Assert.Throws<ArgumentException>(() => SyncCodec.Encode(new DigestRequest("f", "a", 1, 1, [7, 3], [1, 2])));

        // A gap that runs past the level's width, and a reply flag other than 0/1.
        var bytes = SyncCodec.Encode(new DigestRequest("f", "a", 1, 1, [15], [42]));
        var gap = Array.IndexOf(bytes, (byte)15, 2 + 2 + 2 + 4 + 1 + 1);
        bytes[gap] = 16;
        Assert.Throws<FormatException>(() => SyncCodec.Decode(bytes));
        var states = SyncCodec.Encode(new StatesResponse("f", "b", [State], VersionVector.Empty));
        states[2 + 2 + 2 + 1] = 2;
        Assert.Throws<FormatException>(() => SyncCodec.Decode(states));
    }

    private static List<SyncMessage> Samples() =>
    [
        new PushMessage("fleet", "a", State),
        new DeltaRequest("fleet", "a", 7, DotSet.Parse("a:10+12;b:4")),
        new DeltaResponse("fleet", "b", 7, [State, State with { Key = "other" }], DotSet.Parse("a:12;b:4")),
        new DigestRequest("fleet", "a", 0xDEADBEEF, 1, [3, 15], [1U, uint.MaxValue]),
        new DigestResponse("fleet", "b", 9, 0, [0], [.. Enumerable.Range(1, MerkleTree.Fanout).Select(i => (uint)i)]),
        new BucketRequest("fleet", "a", 77, [0, 17, 4095], [2, 0, 1], [5, 6, ushort.MaxValue], VersionVector.Parse("a:12;b:4")),
        new BucketResponse("fleet", "b", 77, [17, 300], [2, 0], [6, 9], [State], VersionVector.Parse("a:3;b:5")),
        new StatesResponse("fleet", "b", [State], VersionVector.Parse("a:3;b:5")),
    ];
}
