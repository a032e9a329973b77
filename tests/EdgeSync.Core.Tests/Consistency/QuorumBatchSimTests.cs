using EdgeSync.Core.Consistency;
using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Tests.Consistency;

/// <summary>
/// A quorum batch over many seeds: a random majority of a 5-node fleet, a network that drops
/// and duplicates, and a batch of writes larger than one message, so it goes out as several
/// replicate requests. The replicas it reports must never be more than the members that hold
/// every write after all of them crash and restart (acks come only after a durable commit, and
/// the fewest over the requests count), and it sends a few messages per request, not per write.
/// </summary>
public sealed class QuorumBatchSimTests
{
    private const int Members = 5;
    private const int Writes = 12;

    [Fact]
    public void AQuorumBatchNeverReportsMoreReplicasThanHoldEveryWrite()
    {
        int met = 0, missed = 0;
        var problems = new List<string>();
        for (var seed = 1; seed <= 150; seed++)
        {
            var (replicas, problem) = Simulation.Inline.Run(() => RunSeed(seed));
            if (problem is not null)
            {
                problems.Add($"seed {seed}: {problem}");
            }
            else if (replicas >= ReplicaCount.Majority(Members))
            {
                met++;
            }
            else
            {
                missed++;
            }
        }

        Assert.Empty(problems);
        Assert.True(met > 60, $"the quorum was met in only {met} of 150 seeds");
        Assert.True(missed > 0, "every seed met the quorum: the drops never cost an ack, so the count was not put to the test");
    }

    private static (int Replicas, string? Problem) RunSeed(int seed)
    {
        // 1 KB messages: the twelve ~200-byte writes need several replicate requests.
        var sim = new ConsistencySim(seed, Members, new SyncOptions { AntiEntropyInterval = TimeSpan.FromHours(1), MaxBatchBytes = 1024 });
        sim.Context.Network.DropRate = 0.04;
        sim.Context.Network.DuplicateRate = 0.1;
        var side = sim.CutMajority();
        var writer = side[sim.Random.Next(side.Count)];
        var padding = new string('x', 150);
        var write = writer.Access!.WriteAsync(r => Enumerable.Range(0, Writes).Select(i => r.Put($"k{i}", $"{{\"seed\":{seed},\"p\":\"{padding}\"}}", null, replicatedByCaller: true)).ToList());
        if (!sim.Await(write, 500) || !write.IsCompletedSuccessfully)
        {
            return (0, "the local batch was not acknowledged");
        }

        var states = write.Result.Select(w => w.State!).ToList();
        var requests = Batches(states, 1024);
        var sentBefore = sim.Context.Network.MessagesSent;
        var replicate = writer.Engine!.ReplicateAsync(states, ReplicaCount.Majority(Members) - 1, TimeSpan.FromMilliseconds(500), CancellationToken.None);
        if (!sim.Await(replicate, 1_000))
        {
            return (0, "the replicate did not finish by its timeout");
        }

        // Requests to each peer, plus at most one ack per copy delivered (duplicates included).
        var sent = sim.Context.Network.MessagesSent - sentBefore;
        if (requests < 2 || sent > requests * (Members - 1) * 3)
        {
            return (0, $"{Writes} writes in {requests} requests took {sent} messages");
        }

        sim.Run(200); // let late requests land before the crash
        foreach (var node in sim.Nodes)
        {
            node.Crash();
            node.Start();
        }

        var holders = write.Result.Min(w => sim.Nodes.Count(n => ConsistencySim.Covers(n.Access!.Read(r => r.Load(w.State!.Key)), w.Update)));
        return replicate.Result > holders
            ? (replicate.Result, $"reported {replicate.Result} replicas, but only {holders} members hold every write after a restart")
            : (replicate.Result, null);
    }

    /// <summary>How many messages of at most <paramref name="maxBytes"/> the engine cuts <paramref name="states"/> into.</summary>
    private static int Batches(IReadOnlyList<KeyState> states, int maxBytes)
    {
        int count = 0;
        long bytes = 0;
        foreach (var state in states)
        {
            if (count == 0 || bytes + state.ApproximateBytes > maxBytes)
            {
                count++;
                bytes = 0;
            }

            bytes += state.ApproximateBytes;
        }

        return count;
    }
}
