using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;
using EdgeSync.Core.Tests.Simulation;

namespace EdgeSync.Core.Tests.Consistency;

/// <summary>
/// A quorum write reaches each peer once, as its replicate request, where it used to travel twice
/// (the commit's push, then the request); a write at level one still goes out as a push.
/// </summary>
public sealed class QuorumWriteTrafficTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void AQuorumWriteTravelsOncePerPeerAndAPlainWriteIsPushed(int seed)
    {
        var run = Inline.Run(() => Run(seed));

        Assert.Equal(2, run.Replicas); // this node and the first of the peers it waits for
        foreach (var peer in new[] { "n2", "n3" })
        {
            Assert.Equal([typeof(ReplicateRequest)], run.Copies.Where(c => c.To == peer && c.Key == "q").Select(c => c.Kind));
            Assert.Equal([typeof(PushMessage)], run.Copies.Where(c => c.To == peer && c.Key == "p").Select(c => c.Kind));
        }

        Assert.Equal(4, run.Held);
    }

    private static (int Replicas, List<(string To, Type Kind, string Key)> Copies, int Held) Run(int seed)
    {
        var sim = new ConsistencySim(seed, 3, new SyncOptions { AntiEntropyInterval = TimeSpan.FromHours(1) });
        var copies = new List<(string To, Type Kind, string Key)>();
        sim.Context.Network.Delivered = (from, to, message) =>
        {
            if (from == "n1")
            {
                copies.AddRange(StatesOf(message).Select(s => (to, message.GetType(), s.Key)));
            }
        };
        var writer = sim.Nodes[0];

        var quorum = sim.Write(writer, "q", "1", replicatedByCaller: true) ?? throw new InvalidOperationException("quorum write not acknowledged");
        var replicate = writer.Engine!.ReplicateAsync([quorum.State!], 1, TimeSpan.FromMilliseconds(500), CancellationToken.None);
        var replicas = sim.Await(replicate, 1_000) ? replicate.Result : 0;
        var plain = sim.Write(writer, "p", "2") ?? throw new InvalidOperationException("plain write not acknowledged");
        sim.Run(200); // anything else on its way lands

        var held = sim.Nodes.Skip(1).Sum(peer =>
            (ConsistencySim.Covers(peer.Access!.Read(r => r.Load("q")), quorum.Update) ? 1 : 0)
            + (ConsistencySim.Covers(peer.Access!.Read(r => r.Load("p")), plain.Update) ? 1 : 0));
        return (replicas, copies, held);
    }

    private static IEnumerable<KeyState> StatesOf(SyncMessage message) => message switch
    {
        PushMessage m => m.States,
        ReplicateRequest m => m.States,
        _ => [],
    };
}
