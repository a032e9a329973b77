using EdgeSync.Core.Clocks;
using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Tests.Consistency;

/// <summary>
/// Read-your-writes and monotonic reads across nodes (SPEC §5), over many seeds: a client hops
/// between random nodes of a lossy, partitioning, crashing 3–5 node fleet, presenting its
/// session token. A node serves it only once its applied set covers the token (else the client
/// is refused, as with 409 session_not_covered). A served read must hold every update the
/// client wrote or read before on that key, or a version that superseded it.
/// </summary>
public sealed class SessionGuaranteeSimTests
{
    private static readonly string[] Keys = ["a", "b", "c"];

    [Fact]
    public void ClientHoppingBetweenNodesNeverReadsOlderThanItsSession()
    {
        long served = 0, refused = 0, reads = 0;
        var problems = new List<string>();
        for (var seed = 1; seed <= 300; seed++)
        {
            var (s, r, n, problem) = Simulation.Inline.Run(() => RunClient(seed));
            served += s;
            refused += r;
            reads += n;
            if (problem is not null)
            {
                problems.Add($"seed {seed}: {problem}");
            }
        }

        Assert.Empty(problems);

        // Not vacuous: most requests are served, many of them reads, and some had to wait it out.
        Assert.True(reads > 3_000, $"only {reads} reads");
        Assert.True(served > refused * 4, $"served {served}, refused {refused}");
    }

    private static (int Served, int Refused, int Reads, string? Problem) RunClient(int seed)
    {
        var random = new Random(seed);
        var sim = new ConsistencySim(seed, random.Next(3, 6), new SyncOptions { AntiEntropyInterval = TimeSpan.FromMilliseconds(300), PurgeTombstones = false });
        sim.Context.Network.DropRate = 0.1;
        sim.Context.Network.DuplicateRate = 0.05;
        var token = new DotSet();
        var seen = Keys.ToDictionary(k => k, _ => new List<Dot>());
        int served = 0, refused = 0, reads = 0;
        for (var op = 0; op < 40; op++)
        {
            Chaos(sim);
            var node = sim.RandomUp();
            if (!sim.WaitCovered(node, token, 1_000))
            {
                refused++;
                continue;
            }

            served++;
            var key = Keys[sim.Random.Next(Keys.Length)];
            if (sim.Random.NextDouble() < 0.4)
            {
                if (sim.Write(node, key, $"{{\"seed\":{seed},\"op\":{op}}}") is { } written)
                {
                    token.Add(written.Update);
                    seen[key].Add(written.Update);
                }

                continue;
            }

            reads++;
            var state = node.Access!.Read(r => r.Load(key));
            if (seen[key].FirstOrDefault(u => !ConsistencySim.Covers(state, u)) is { Node: not null } missing)
            {
                return (served, refused, reads, $"op {op}: {node.Id} served key {key} without {missing} (token {token})");
            }

            foreach (var s in state?.Siblings ?? [])
            {
                token.Add(s.Update);
                seen[key].Add(s.Update);
            }
        }

        return (served, refused, reads, null);
    }

    private static void Chaos(ConsistencySim sim)
    {
        var roll = sim.Random.NextDouble();
        if (roll < 0.1)
        {
            var order = sim.Shuffled();
            var cut = sim.Random.Next(1, order.Count);
            sim.Context.Network.Partition([order.Take(cut).Select(n => n.Id).ToList(), order.Skip(cut).Select(n => n.Id).ToList()]);
        }
        else if (roll < 0.25)
        {
            sim.Context.Network.Heal();
        }
        else if (roll < 0.3 && sim.Nodes.Count(n => n.Up) > 1)
        {
            var victim = sim.RandomUp();
            victim.Crash();
            sim.Context.Scheduler.At(sim.Random.Next(100, 600), victim.Start);
        }

        sim.Run(sim.Random.Next(0, 30));
    }
}
