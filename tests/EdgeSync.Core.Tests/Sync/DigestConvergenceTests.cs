using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;
using Microsoft.Extensions.Time.Testing;

namespace EdgeSync.Core.Tests.Sync;

/// <summary>
/// Randomised: two replicas diverge by writes, deletes and concurrent writes on both sides while
/// pushes are lost, then one store loses keys and gets old copies of others back (older than
/// writes both sides had seen) while its applied set still claims the newer ones. Digest checks alone must make the replicas equal
/// within a few checks, and every key one side lost must come back from the other.
/// </summary>
public sealed class DigestConvergenceTests
{
    private static readonly string[] Members = ["a", "b"];
    private static readonly SyncOptions Options = new() { DigestCheck = false, PurgeTombstones = false };

    [Fact]
    public void RandomDivergenceAndStoreFaultsConvergeWithinAFewChecks()
    {
        var worst = 0;
        for (var seed = 1; seed <= 40; seed++)
        {
            worst = Math.Max(worst, Run(seed));
        }

        // One check resolves every key both sides hold; a key lost by the requester can wait at
        // most for the next one (the peer's skip budget is used up by then).
        Assert.InRange(worst, 1, 2);
    }

    private static int Run(int seed)
    {
        var random = new Random(seed);
        var time = new FakeTimeProvider();
        var network = new LoopbackNetwork();
        var storage = new Dictionary<string, InMemoryReplicaStorage> { ["a"] = new(), ["b"] = new() };
        var nodes = new Dictionary<string, EngineNode>(StringComparer.Ordinal);
        EngineNode Start(string id) => nodes[id] = new EngineNode(id, network, time, Options, Members, storage[id]);
        Start("a");
        Start("b");
        try
        {
            var keys = Enumerable.Range(0, 150).Select(i => $"k{i}").ToList();
            foreach (var key in keys)
            {
                nodes[random.Next(2) == 0 ? "a" : "b"].Put(key, $"\"{key}\"");
            }

            network.DeliverAll();
            var faulty = random.Next(2) == 0 ? "a" : "b";
            var other = faulty == "a" ? "b" : "a";
            var snapshot = keys.OrderBy(_ => random.Next()).Take(4).Select(k => nodes[faulty].Replica.Load(k)!).ToList();

            // Writes both sides see (they make the snapshot stale), then writes during a partition.
            Write(random, nodes, keys, snapshot.Select(s => s.Key).ToList(), "seen");
            network.DeliverAll();
            network.Drop = (_, m) => m is PushMessage;
            Write(random, nodes, keys, keys, "partition");

            // The faulty store loses keys the other side holds and gets old copies of others
            // back; its applied set still covers everything it had seen.
            var lost = keys.Where(k => nodes[other].Replica.Load(k) is not null).OrderBy(_ => random.Next()).Take(3).ToList();
            nodes[faulty].Dispose();
            foreach (var key in lost)
            {
                storage[faulty].Remove(key);
            }

            foreach (var old in snapshot.Where(s => !lost.Contains(s.Key)))
            {
                storage[faulty].Save(old);
            }

            storage[faulty].Commit();
            Start(faulty);
            var expected = lost.ToDictionary(k => k, k => Values(nodes[other], k));

            var requester = random.Next(2) == 0 ? "a" : "b";
            var peer = requester == "a" ? "b" : "a";
            for (var check = 1; check <= 6; check++)
            {
                nodes[requester].Engine.StartDigest(peer);
                network.DeliverAll();
                if (nodes["a"].Replica.Tree.Root == nodes["b"].Replica.Tree.Root)
                {
                    foreach (var (key, values) in expected)
                    {
                        Assert.Equal(values, Values(nodes[faulty], key));
                    }

                    return check;
                }
            }

            Assert.Fail($"seed {seed}: the digest checks did not converge (faulty {faulty}, requester {requester}).");
            return 0;
        }
        finally
        {
            foreach (var node in nodes.Values)
            {
                node.Dispose();
            }
        }
    }

    private static void Write(Random random, Dictionary<string, EngineNode> nodes, List<string> keys, List<string> favoured, string phase)
    {
        for (var i = 0; i < 30; i++)
        {
            var key = random.Next(5) == 0 ? $"{phase}{i}" : random.Next(2) == 0 ? favoured[random.Next(favoured.Count)] : keys[random.Next(keys.Count)];
            var writers = random.Next(4) switch { 0 => new[] { "a", "b" }, 1 => ["a"], _ => ["b"] };
            foreach (var writer in writers)
            {
                _ = random.Next(6) == 0 ? nodes[writer].Delete(key) : nodes[writer].Put(key, $"\"{writer}-{phase}{i}\"");
            }
        }
    }

    private static List<string?> Values(EngineNode node, string key) =>
        [.. node.Replica.Load(key)!.Siblings.Select(s => s.Value).Order(StringComparer.Ordinal)];
}
