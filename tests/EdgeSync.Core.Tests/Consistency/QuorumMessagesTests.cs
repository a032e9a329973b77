using EdgeSync.Core.Consistency;
using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;
using Microsoft.Extensions.Time.Testing;

namespace EdgeSync.Core.Tests.Consistency;

/// <summary>The quorum messages' wire form and the reply tracker's counting rules.</summary>
public sealed class QuorumMessagesTests
{
    private static KeyState SampleState()
    {
        var replica = new Replica("n1", new InMemoryReplicaStorage(), new StoreOptions(), new FakeTimeProvider());
        var state = replica.Put("sensors/t", "{\"c\":21}", null).State!;
        replica.Commit();
        return state;
    }

    [Fact]
    public void QuorumMessagesRoundTripThroughTheCodec()
    {
        var state = SampleState();
        SyncMessage[] messages =
        [
            new ReplicateRequest("f", "n1", 42, state),
            new ReplicateAck("f", "n2", 42),
            new StateRequest("f", "n1", 7, "sensors/t"),
            new StateResponse("f", "n2", 7, state),
            new StateResponse("f", "n2", 8, KeyState.Empty("missing")),
        ];
        foreach (var m in messages)
        {
            var back = SyncCodec.Decode(SyncCodec.Encode(m));
            Assert.Equal(m.GetType(), back.GetType());
            Assert.Equal(SyncCodec.Encode(m), SyncCodec.Encode(back));
        }

        var decoded = (ReplicateRequest)SyncCodec.Decode(SyncCodec.Encode(messages[0]));
        Assert.True(Assert.Single(decoded.States).SameAs(state));
    }

    [Fact]
    public void OneStateKeepsTheSingleStateTagAndSeveralTravelAsABatch()
    {
        var replica = new Replica("n1", new InMemoryReplicaStorage(), new StoreOptions(), new FakeTimeProvider());
        KeyState[] states = [.. Enumerable.Range(0, 3).Select(i => replica.Put($"k{i}", $"{i}", null).State!)];

        // Nodes that know only one state per request still read a single-state one.
        var single = SyncCodec.Encode(new ReplicateRequest("f", "n1", 5, states[0]));
        Assert.Equal((byte)SyncMessageType.ReplicateRequest, single[1]);

        var batch = SyncCodec.Encode(new ReplicateRequest("f", "n1", 6, states));
        Assert.Equal((byte)SyncMessageType.ReplicateBatch, batch[1]);
        var back = (ReplicateRequest)SyncCodec.Decode(batch);
        Assert.Equal(6, back.Id);
        Assert.Equal(states.Length, back.States.Count);
        Assert.All(states.Zip(back.States), p => Assert.True(p.First.SameAs(p.Second)));

        // A batch tag with a count of one is not something this codec writes: refused. The body
        // starts after version, tag, "f", "n1" and the one-byte id: 8 bytes.
        byte[] odd = [.. single[..8], 1, .. single[8..]];
        odd[1] = (byte)SyncMessageType.ReplicateBatch;
        Assert.Throws<FormatException>(() => SyncCodec.Decode(odd));
        odd[8] = 2;
        Assert.Throws<FormatException>(() => SyncCodec.Decode(odd)); // truncated: the second state is missing
    }

    [Fact]
    public void TruncatedOrBadQuorumMessagesAreFormatErrors()
    {
        var bytes = SyncCodec.Encode(new ReplicateRequest("f", "n1", 42, SampleState()));
        for (var cut = 2; cut < bytes.Length; cut += 3)
        {
            Assert.Throws<FormatException>(() => SyncCodec.Decode(bytes.AsSpan(0, cut)));
        }

        var badKey = SyncCodec.Encode(new StateRequest("f", "n1", 1, "a\u0001b"));
        Assert.Throws<FormatException>(() => SyncCodec.Decode(badKey));
    }

    [Fact]
    public async Task RepliesCompleteAtTheNeededCountOfDistinctPeers()
    {
        var time = new FakeTimeProvider();
        var pending = new PendingReplies(time);
        var wait = pending.Register(5, 2, TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.True(pending.Reply(5, "n2", null));
        Assert.False(pending.Reply(5, "n2", null)); // a duplicate counts once
        Assert.False(pending.Reply(6, "n3", null)); // unknown id
        Assert.False(wait.IsCompleted);
        Assert.True(pending.Reply(5, "n3", null));
        Assert.True(wait.IsCompletedSuccessfully);
        Assert.Equal(["n2", "n3"], (await wait).Select(r => r.Peer));
        Assert.False(pending.Reply(5, "n4", null)); // late
        Assert.Equal(0, pending.Open);
    }

    [Fact]
    public async Task RepliesCompleteWithWhatArrivedWhenTheTimeoutPasses()
    {
        var time = new FakeTimeProvider();
        var pending = new PendingReplies(time);
        var wait = pending.Register(9, 2, TimeSpan.FromMilliseconds(300), CancellationToken.None);
        pending.Reply(9, "n2", null);
        time.Advance(TimeSpan.FromMilliseconds(299));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(wait.IsCompletedSuccessfully);
        Assert.Single(await wait);
        Assert.Equal(0, pending.Open);
    }
}
