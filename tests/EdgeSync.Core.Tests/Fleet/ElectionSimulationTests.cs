using EdgeSync.Core.Fleet;
using EdgeSync.Core.Fleet.Messages;

namespace EdgeSync.Core.Tests.Fleet;

/// <summary>
/// Leader election over many seeds: partitions, broker loss, crashes, message faults and clock
/// drift. Never two leases at once, one leader per term, stable vectors never ahead of a member,
/// and a leader within a bounded time once a majority is connected. A failure names its seed;
/// `EDGESYNC_SOAK_SEEDS=10000` runs more.
/// </summary>
public sealed class ElectionSimulationTests
{
    private static int SeedCount => int.TryParse(Environment.GetEnvironmentVariable("EDGESYNC_SOAK_SEEDS"), out var n) ? n : 1000;

    [Fact]
    public void Safety_and_liveness_hold_over_many_seeds()
    {
        for (var seed = int.TryParse(Environment.GetEnvironmentVariable("EDGESYNC_FIRST_SEED"), out var f) ? f : 1; seed <= SeedCount; seed++)
        {
            RunScenario(seed);
        }
    }

    [Fact]
    public void A_seed_replays_identically()
    {
        Assert.Equal(RunScenario(42), RunScenario(42));
    }

    [Fact]
    public void A_stable_majority_elects_a_leader_and_the_cut_off_leader_steps_down()
    {
        var sim = new FleetSimulation(7, 3, dropRate: 0);
        sim.RunFor(TimeSpan.FromSeconds(3));
        var first = Assert.Single(sim.LeasedLeaders);
        var term = first.Fleet!.Election.Term;

        sim.Partition = [[first.Id], [.. sim.Nodes.Where(n => n != first).Select(n => n.Id)]];
        sim.RunFor(TimeSpan.FromSeconds(3));

        var second = Assert.Single(sim.LeasedLeaders);
        Assert.NotEqual(first.Id, second.Id);
        Assert.True(second.Fleet!.Election.Term > term);
        Assert.False(first.Fleet!.Election.HoldsLease);
        Assert.Equal(PartitionState.Minority, first.Fleet.Partition);
        Assert.Equal(PartitionState.Degraded, second.Fleet.Partition);

        sim.Partition = null;
        sim.RunFor(TimeSpan.FromSeconds(3));
        Assert.Equal(second.Id, Assert.Single(sim.LeasedLeaders).Id);
        Assert.All(sim.Nodes, n => Assert.Equal(PartitionState.Healthy, n.Fleet!.Partition));
        Assert.All(sim.Nodes, n => Assert.Equal(second.Id, n.Fleet!.Status().Leader));
    }

    [Fact]
    public void A_leader_asked_to_step_down_hands_over()
    {
        var sim = new FleetSimulation(11, 3, dropRate: 0);
        sim.RunFor(TimeSpan.FromSeconds(3));
        var first = Assert.Single(sim.LeasedLeaders);
        var other = sim.Nodes.First(n => n != first);
        first.Fleet!.Handle(new StepDownRequest(other.Id));
        Assert.False(first.Fleet.Election.HoldsLease);

        sim.RunFor(TimeSpan.FromSeconds(4));
        var next = Assert.Single(sim.LeasedLeaders);
        Assert.NotEqual(first.Id, next.Id);
    }

    [Fact]
    public void An_isolated_node_reports_isolated_and_is_never_leader()
    {
        var sim = new FleetSimulation(5, 3, dropRate: 0);
        sim.RunFor(TimeSpan.FromSeconds(3));
        var leader = Assert.Single(sim.LeasedLeaders);
        leader.Isolated = true;
        sim.RunFor(TimeSpan.FromSeconds(3));
        Assert.Equal(PartitionState.Isolated, leader.Fleet!.Partition);
        Assert.False(leader.Fleet.Election.HoldsLease);
        Assert.NotEqual(leader.Id, Assert.Single(sim.LeasedLeaders).Id);
    }

    private static string RunScenario(int seed)
    {
        var random = new Random(seed);
        var sim = new FleetSimulation(seed, random.Next(2) == 0 ? 3 : 5);
        sim.RunFor(TimeSpan.FromSeconds(2));
        for (var i = 0; i < 12; i++)
        {
            Chaos(sim, random);
            sim.RunFor(TimeSpan.FromMilliseconds(300 + random.Next(1500)));
        }

        // Heal everything and stop the faults: a leader must follow within a few election timeouts.
        sim.Partition = null;
        sim.DropRate = 0;
        sim.DuplicateRate = 0;
        foreach (var node in sim.Nodes)
        {
            node.Isolated = false;
            if (!node.Alive)
            {
                node.Start();
            }
        }

        var bound = (sim.Options.ElectionTimeoutMax * 3) + sim.Options.ElectionTimeoutMin;
        var waited = TimeSpan.Zero;
        while (!sim.LeasedLeaders.Any() && waited < bound)
        {
            sim.RunFor(FleetSimulation.Step);
            waited += FleetSimulation.Step;
        }

        if (!sim.LeasedLeaders.Any())
        {
            throw new SimulationFailure(seed, sim.RealTicks, $"no leader {bound.TotalSeconds} s after healing");
        }

        sim.RunFor(TimeSpan.FromSeconds(2));
        var leader = sim.LeasedLeaders.SingleOrDefault()
            ?? throw new SimulationFailure(seed, sim.RealTicks, "the leader did not keep its lease on a healthy network: " + string.Join(" | ", sim.Trace.TakeLast(4)) + " | " + string.Join(", ", sim.Nodes.Select(n => $"{n.Id}:{n.Fleet!.Election.Role}/t{n.Fleet.Election.Term}/{n.Fleet.Partition}")));
        foreach (var node in sim.Nodes)
        {
            if (node.Fleet!.Status().Leader != leader.Id)
            {
                throw new SimulationFailure(seed, sim.RealTicks, $"{node.Id} names {node.Fleet.Status().Leader} as leader, not {leader.Id}");
            }
        }

        return string.Join('\n', sim.Trace);
    }

    private static void Chaos(FleetSimulation sim, Random random)
    {
        var nodes = sim.Nodes;
        switch (random.Next(7))
        {
            case 0:
                var shuffled = nodes.Select(n => n.Id).OrderBy(_ => random.Next()).ToList();
                var cut = 1 + random.Next(shuffled.Count - 1);
                sim.Partition = [[.. shuffled.Take(cut)], [.. shuffled.Skip(cut)]];
                break;
            case 1:
                sim.Partition = null;
                break;
            case 2:
                nodes[random.Next(nodes.Count)].Isolated ^= true;
                break;
            case 3:
                var victim = nodes[random.Next(nodes.Count)];
                if (victim.Alive)
                {
                    victim.Crash();
                }
                else
                {
                    victim.Start();
                }

                break;
            case 4:
                foreach (var leader in sim.LeasedLeaders.ToList())
                {
                    leader.Fleet!.Handle(new StepDownRequest(nodes.First(n => n != leader).Id));
                }

                break;
            case 5:
                var target = sim.LeasedLeaders.FirstOrDefault();
                if (target is not null)
                {
                    sim.Partition = [[target.Id], [.. nodes.Where(n => n != target).Select(n => n.Id)]];
                }

                break;
            default:
                sim.DropRate = random.NextDouble() * 0.3;
                break;
        }
    }
}
