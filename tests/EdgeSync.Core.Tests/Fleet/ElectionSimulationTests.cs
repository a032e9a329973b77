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

    /// <summary>
    /// The agent sleeps until <see cref="FleetNode.NextDue"/> or a message instead of ticking every few
    /// milliseconds; the same properties must hold when nodes are ticked only then.
    /// </summary>
    [Fact]
    public void Safety_and_liveness_hold_when_nodes_tick_only_when_due()
    {
        for (var seed = 1; seed <= SeedCount / 2; seed++)
        {
            RunScenario(seed, tickWhenDue: true);
        }
    }

    [Fact]
    public void Ticking_only_when_due_elects_and_fails_over_with_a_fraction_of_the_ticks()
    {
        var sim = new FleetSimulation(7, 3, dropRate: 0, tickWhenDue: true);
        sim.RunFor(TimeSpan.FromSeconds(3));
        var first = Assert.Single(sim.LeasedLeaders);

        var quiet = sim.Ticks;
        sim.RunFor(TimeSpan.FromSeconds(10));
        var steps = 3 * (TimeSpan.FromSeconds(10) / FleetSimulation.Step);
        Assert.InRange(sim.Ticks - quiet, 1, steps / 3); // pings, heartbeats and their answers, not every 10 ms step
        Assert.Equal(first.Id, Assert.Single(sim.LeasedLeaders).Id);

        sim.Partition = [[first.Id], [.. sim.Nodes.Where(n => n != first).Select(n => n.Id)]];
        sim.RunFor(TimeSpan.FromSeconds(3));
        var second = Assert.Single(sim.LeasedLeaders);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(PartitionState.Minority, first.Fleet!.Partition);
        Assert.Null(first.Fleet.Status().Leader);

        sim.Partition = null;
        sim.RunFor(TimeSpan.FromSeconds(3));
        Assert.All(sim.Nodes, n => Assert.Equal(PartitionState.Healthy, n.Fleet!.Partition));
        Assert.All(sim.Nodes, n => Assert.Equal(second.Id, n.Fleet!.Status().Leader));
    }

    [Fact]
    public void DebugSeed()
    {
        if (Environment.GetEnvironmentVariable("EDGESYNC_DEBUG_SEED") is { } s)
        {
            FleetSimulation.Debug = true;
            RunScenario(int.Parse(s, System.Globalization.CultureInfo.InvariantCulture));
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

    private static string RunScenario(int seed, bool tickWhenDue = false)
    {
        var random = new Random(seed);
        var sim = new FleetSimulation(seed, random.Next(2) == 0 ? 3 : 5, tickWhenDue: tickWhenDue);
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

        // A failed candidacy racing the heal may depose the first leader once (its higher term
        // wins, as in Raft); the property is that a leader every node names follows within a
        // bounded number of election timeouts.
        var bound = (sim.Options.ElectionTimeoutMax * 4) + sim.Options.ElectionTimeoutMin;
        var waited = TimeSpan.Zero;
        while (!Settled(sim) && waited < bound)
        {
            sim.RunFor(FleetSimulation.Step);
            waited += FleetSimulation.Step;
        }

        if (!Settled(sim))
        {
            throw new SimulationFailure(seed, sim.RealTicks, $"no leader named by every node {bound.TotalSeconds} s after healing: "
                + string.Join(", ", sim.Nodes.Select(n => $"{n.Id}:{n.Fleet!.Election.Role}/t{n.Fleet.Election.Term}/{n.Fleet.Status().Leader}")));
        }

        sim.Trace.Add($"settled after {waited.TotalMilliseconds} ms");
        return string.Join('\n', sim.Trace);
    }

    private static bool Settled(FleetSimulation sim)
    {
        var leaders = sim.LeasedLeaders.ToList();
        return leaders.Count == 1 && sim.Nodes.All(n => n.Fleet!.Status().Leader == leaders[0].Id);
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
