using CsCheck;
using EdgeSync.Core.Clocks;
using EdgeSync.Core.Fleet;
using EdgeSync.Core.Fleet.Messages;

namespace EdgeSync.Core.Tests.Fleet;

public sealed class FleetCodecTests
{
    public static TheoryData<FleetMessage> Messages => new()
    {
        new Heartbeat("n1", 3, Role.Leader, "n1", VersionVector.Parse("n1:4;n2:9")),
        new Heartbeat("n2", 0, Role.Follower, null, VersionVector.Empty),
        new PreVoteRequest("n1", 5),
        new PreVoteResponse("n2", "n1", 5, true),
        new VoteRequest("n3", 7),
        new VoteResponse("n1", "n3", 7, false),
        new LeaderPing("n1", 2, 99),
        new LeaderAck("n2", "n1", 2, 99),
        new StableVector("n1", 2, VersionVector.Parse("a:1;b:2"), VersionVector.Parse("a:3;b:2;c:1")),
        new StepDownRequest("n3"),
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_message_round_trips(FleetMessage message)
    {
        var decoded = FleetCodec.Decode(FleetCodec.Encode(message));
        Assert.Equal(message.GetType(), decoded.GetType());
        Assert.Equal(FleetCodec.Encode(message), FleetCodec.Encode(decoded));
    }

    [Fact]
    public void Garbage_truncation_and_wrong_versions_are_format_errors()
    {
        var valid = FleetCodec.Encode(new LeaderAck("n2", "n1", 2, 99));
        for (var cut = 0; cut < valid.Length; cut++)
        {
            Assert.Throws<FormatException>(() => FleetCodec.Decode(valid.AsSpan(0, cut)));
        }

        var wrongVersion = (byte[])valid.Clone();
        wrongVersion[0] = 9;
        Assert.Throws<FormatException>(() => FleetCodec.Decode(wrongVersion));
        Assert.Throws<FormatException>(() => FleetCodec.Decode(new byte[FleetCodec.MaxBytes + 1]));
        Assert.Throws<FormatException>(() => FleetCodec.Decode([.. valid, 0]));

        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            try
            {
                FleetCodec.Decode(bytes);
            }
            catch (FormatException)
            {
                // The only failure a decoder may report.
            }
        }, iter: 20_000);
    }
}
