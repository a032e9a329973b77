using EdgeSync.Core.Fleet;

namespace EdgeSync.Core.Tests.Leds;

/// <summary>
/// The agent updates the LEDs only at <see cref="EdgeSync.Core.Leds.LedController.NextEdge"/> (and on a
/// slow sample for new states), so for a steady input that must give exactly the writes that
/// updating every millisecond gives.
/// </summary>
public sealed class LedNextEdgeTests
{
    public static TheoryData<Role, PartitionState, bool, int> States()
    {
        var data = new TheoryData<Role, PartitionState, bool, int>();
        foreach (var role in new[] { Role.Follower, Role.Candidate, Role.Leader })
        {
            foreach (var partition in Enum.GetValues<PartitionState>())
            {
                data.Add(role, partition, false, 0);
                data.Add(role, partition, true, 0);
                data.Add(role, partition, true, 3000); // a hung main loop: the status LED goes dark
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(States))]
    public void Updating_only_at_the_next_edge_writes_what_updating_every_millisecond_writes(Role role, PartitionState partition, bool activity, int sinceAliveMs)
    {
        var everyMs = Rig(role, partition, sinceAliveMs);
        var atEdges = Rig(role, partition, sinceAliveMs);
        foreach (var rig in new[] { everyMs, atEdges })
        {
            rig.Tick();
            rig.Activity += activity ? 1 : 0;
            rig.Tick(); // a flash, when asked, starts now; from here on the input is steady
        }

        for (var ms = 1; ms <= 3000; ms++)
        {
            everyMs.Step(1);
        }

        var updates = 0;
        while (true)
        {
            var now = atEdges.Time.GetTimestamp();
            var edge = atEdges.Controller.NextEdge(now);
            if (edge == long.MaxValue || atEdges.NowMs + (long)atEdges.Time.GetElapsedTime(now, edge).TotalMilliseconds > 3000)
            {
                break;
            }

            Assert.True(edge > now, "the next edge is in the future");
            atEdges.Time.Advance(atEdges.Time.GetElapsedTime(now, edge));
            atEdges.Tick();
            updates++;
        }

        Assert.Equal(everyMs.Sink.Writes, atEdges.Sink.Writes);
        Assert.InRange(updates, 0, 30); // edges only: a 1 Hz heartbeat is 6 in 3 s, a 4 Hz blink 24
    }

    [Fact]
    public void Steady_leds_have_no_next_edge()
    {
        var rig = Rig(Role.Leader, PartitionState.Minority, sinceAliveMs: 3000); // on, on, dark status
        rig.Tick();
        Assert.Equal(long.MaxValue, rig.Controller.NextEdge(rig.Time.GetTimestamp()));
    }

    [Fact]
    public void A_flash_is_due_to_end_then_its_gap()
    {
        var rig = Rig(Role.Leader, PartitionState.Healthy, sinceAliveMs: 3000);
        rig.Tick();
        rig.Activity++;
        rig.Tick(); // the flash starts now
        Assert.Equal(50, Ms(rig));
        rig.Step(50);
        Assert.Equal(50, Ms(rig)); // dark gap: a pending flash may start at its end
        rig.Step(50);
        Assert.Equal(long.MaxValue, rig.Controller.NextEdge(rig.Time.GetTimestamp()));
    }

    private static long Ms(LedRig rig)
    {
        var now = rig.Time.GetTimestamp();
        return (long)rig.Time.GetElapsedTime(now, rig.Controller.NextEdge(now)).TotalMilliseconds;
    }

    private static LedRig Rig(Role role, PartitionState partition, int sinceAliveMs) =>
        new() { Role = role, Partition = partition, SinceAlive = TimeSpan.FromMilliseconds(sinceAliveMs) };
}
