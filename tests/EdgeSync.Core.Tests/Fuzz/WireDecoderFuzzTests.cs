using CsCheck;
using EdgeSync.Core.Clocks;
using EdgeSync.Core.Fleet;
using EdgeSync.Core.Fleet.Messages;
using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Tests.Fuzz;

/// <summary>
/// Hostile bytes on the wire: every decoder either returns a message or throws
/// <see cref="FormatException"/> with a message — never anything else (no crash of the receive
/// loop) — and whatever it accepts re-encodes to something it decodes the same way.
/// </summary>
public sealed class WireDecoderFuzzTests
{
    private static readonly KeyState State = new(
        "sensors/greenhouse/temp",
        [new Sibling(new Dot("a", 3), 3, new HybridTimestamp(1_700_000_000_000, 2), "{\"c\":21.5}", VersionVector.Parse("b:2")),
         new Sibling(new Dot("b", 5), 5, new HybridTimestamp(1_700_000_000_001, 0), null, VersionVector.Empty)],
        DotSet.Parse("a:3;b:5"));

    private static readonly byte[][] SyncCorpus =
    [
        .. new SyncMessage[]
        {
            new PushMessage("fleet", "a", State),
            new DeltaRequest("fleet", "a", 7, DotSet.Parse("a:10+12;b:4")),
            new DeltaResponse("fleet", "b", 7, [State, State with { Key = "other" }], DotSet.Parse("a:12;b:4")),
            new DigestRequest("fleet", "a", 0xDEADBEEF, 1, [3, 15], [1U, uint.MaxValue]),
            new DigestResponse("fleet", "b", 9, 0, [0], [.. Enumerable.Range(1, MerkleTree.Fanout).Select(i => (uint)i)]),
            new BucketRequest("fleet", "a", 77, [0, 17, 4095], [2, 0, 1], [5, 6, ushort.MaxValue], VersionVector.Parse("a:12;b:4")),
            new BucketResponse("fleet", "b", 77, [17, 300], [2, 0], [6, 9], [State], VersionVector.Parse("a:3;b:5")),
            new StatesResponse("fleet", "b", [State], VersionVector.Parse("a:3;b:5")),
            new StatesResponse("fleet", "b", [State], VersionVector.Parse("a:3;b:5"), IsReply: true),
            new ReplicateRequest("fleet", "a", 41, State),
            new ReplicateRequest("fleet", "a", 42, [State, State with { Key = "other" }]),
            new ReplicateAck("fleet", "b", 42),
            new StateRequest("fleet", "a", 43, "sensors/greenhouse/temp"),
            new StateResponse("fleet", "b", 43, State),
        }.Select(m => SyncCodec.Encode(m)),
    ];

    private static readonly byte[][] FleetCorpus =
    [
        .. new FleetMessage[]
        {
            new Heartbeat("n1", 3, Role.Leader, "n1", VersionVector.Parse("n1:4;n2:9")),
            new PreVoteRequest("n1", 5),
            new PreVoteResponse("n2", "n1", 5, true),
            new VoteRequest("n3", 7),
            new VoteResponse("n1", "n3", 7, false),
            new LeaderPing("n1", 2, 99),
            new LeaderAck("n2", "n1", 2, 99),
            new StableVector("n1", 2, VersionVector.Parse("a:1;b:2"), VersionVector.Parse("a:3;b:2;c:1")),
            new StepDownRequest("n3"),
        }.Select(FleetCodec.Encode),
    ];

    [Fact]
    public void Sync_decoder_accepts_or_refuses_with_a_format_error() =>
        Mutations.Of(SyncCorpus).Sample(bytes => Check(bytes, b => SyncCodec.Decode(b), m => SyncCodec.Encode(m)), iter: FuzzBudget.Iterations, threads: 1);

    [Fact]
    public void Fleet_decoder_accepts_or_refuses_with_a_format_error() =>
        Mutations.Of(FleetCorpus).Sample(bytes => Check(bytes, b => FleetCodec.Decode(b), FleetCodec.Encode), iter: FuzzBudget.Iterations, threads: 1);

    [Fact]
    public void Key_state_decoder_accepts_or_refuses_with_a_format_error() =>
        Mutations.Of([KeyStateCodec.Encode(State), KeyStateCodec.Encode(State with { Siblings = [] })])
            .Sample(bytes => Check(bytes, b => KeyStateCodec.Decode(b), KeyStateCodec.Encode), iter: FuzzBudget.Iterations, threads: 1);

    [Fact]
    public void Mutations_hit_both_outcomes()
    {
        // Guards the fuzzer itself: mostly refused, but not everything (else it tests only the version byte).
        var accepted = 0;
        var refused = 0;
        Mutations.Of(SyncCorpus).Sample(bytes =>
        {
            try
            {
                SyncCodec.Decode(bytes);
                accepted++;
            }
            catch (FormatException)
            {
                refused++;
            }
        }, iter: 2_000, threads: 1);
        Assert.True(accepted > 20 && refused > 200, $"accepted {accepted}, refused {refused}");
    }

    private delegate T Decoder<out T>(ReadOnlySpan<byte> bytes);

    private static void Check<T>(byte[] bytes, Decoder<T> decode, Func<T, byte[]> encode)
    {
        T decoded;
        try
        {
            decoded = decode(bytes);
        }
        catch (FormatException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            return;
        }

        var again = encode(decoded);
        Assert.Equal(again, encode(decode(again)));
    }
}
