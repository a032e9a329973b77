using EdgeSync.Core.Consistency;
using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Tests.Consistency;

/// <summary>
/// R + W > N over many seeds, on a 5-node fleet without anti-entropy: each write goes to a
/// random majority (the rest is cut off, so what is sent to it is lost) and must be acknowledged by a
/// quorum; then the partition moves to another random majority, which may share a single node
/// with the first, and a quorum read there must see the write. A plain local read on the same
/// node is stale now and then (so the check can fail), and read repair leaves a quorum of the
/// reader's side holding the write. The minority side cannot reach a quorum.
/// </summary>
public sealed class QuorumSimTests
{
    private const int Members = 5;

    [Fact]
    public void QuorumReadAfterQuorumWriteAlwaysSeesIt()
    {
        int rounds = 0, staleLocal = 0;
        var problems = new List<string>();
        for (var seed = 1; seed <= 200; seed++)
        {
            var (r, stale, problem) = Simulation.Inline.Run(() => RunSeed(seed));
            rounds += r;
            staleLocal += stale;
            if (problem is not null)
            {
                problems.Add($"seed {seed}: {problem}");
            }
        }

        Assert.Empty(problems);
        Assert.True(rounds > 1_500, $"only {rounds} checked rounds");
        Assert.True(staleLocal > rounds / 10, $"local reads were stale only {staleLocal} times in {rounds}: the check would not notice a broken quorum");
    }

    private static (int Rounds, int StaleLocal, string? Problem) RunSeed(int seed)
    {
        // No rounds during the test: only the quorum paths move data.
        var sim = new ConsistencySim(seed, Members, new SyncOptions { AntiEntropyInterval = TimeSpan.FromHours(1) });
        sim.Context.Network.DuplicateRate = 0.1;
        var needed = ReplicaCount.Majority(Members) - 1;
        var timeout = TimeSpan.FromMilliseconds(500);
        int rounds = 0, stale = 0;
        for (var i = 0; i < 10; i++)
        {
            var key = $"k{sim.Random.Next(3)}";
            var writers = sim.CutMajority();
            var writer = writers[sim.Random.Next(writers.Count)];
            // As the agent makes a quorum write: the replicate request is its only copy to each peer.
            if (sim.Write(writer, key, $"{{\"seed\":{seed},\"i\":{i}}}", replicatedByCaller: true) is not { } written)
            {
                return (rounds, stale, $"round {i}: local write on {writer.Id} was not acknowledged");
            }

            var replicate = writer.Engine!.ReplicateAsync([written.State!], needed, timeout, CancellationToken.None);
            if (!sim.Await(replicate, 1_000) || replicate.Result < needed + 1)
            {
                return (rounds, stale, $"round {i}: quorum write on {writer.Id} reached {replicate.Result}");
            }

            var readers = sim.CutMajority();
            var reader = readers[sim.Random.Next(readers.Count)];
            if (!ConsistencySim.Covers(reader.Access!.Read(r => r.Load(key)), written.Update))
            {
                stale++;
            }

            var read = reader.Engine!.QuorumReadAsync(key, needed, timeout, CancellationToken.None);
            if (!sim.Await(read, 1_000) || read.Result.Replicas < needed + 1)
            {
                return (rounds, stale, $"round {i}: quorum read on {reader.Id} reached {read.Result.Replicas}");
            }

            if (!ConsistencySim.Covers(read.Result.State, written.Update))
            {
                return (rounds, stale, $"round {i}: quorum read on {reader.Id} missed {written.Update} written on {writer.Id}");
            }

            // Read repair: the reader and the peers that answered now hold it, durably.
            sim.Run(100);
            var holders = readers.Count(n => ConsistencySim.Covers(n.Access!.Read(r => r.Load(key)), written.Update));
            if (holders < needed + 1)
            {
                return (rounds, stale, $"round {i}: after read repair only {holders} of the reader's side hold {written.Update}");
            }

            // The other side is a minority: it cannot gather a quorum.
            var minority = sim.Nodes.Except(readers).First();
            var refused = minority.Engine!.QuorumReadAsync(key, needed, timeout, CancellationToken.None);
            if (!sim.Await(refused, 1_000) || refused.Result.Replicas > Members - readers.Count)
            {
                return (rounds, stale, $"round {i}: minority node {minority.Id} heard {refused.Result.Replicas} replicas");
            }

            rounds++;
        }

        return (rounds, stale, null);
    }
}
