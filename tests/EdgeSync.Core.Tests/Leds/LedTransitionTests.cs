using CsCheck;
using EdgeSync.Core.Fleet;
using EdgeSync.Core.Leds;

namespace EdgeSync.Core.Tests.Leds;

/// <summary>State changes: the new pattern starts at once, in phase from the change, and only changes are written.</summary>
public sealed class LedTransitionTests
{
    [Fact]
    public void Follower_to_candidate_to_leader_to_follower()
    {
        var rig = new LedRig();
        rig.RunUntil(1000);
        rig.Role = Role.Candidate;
        rig.RunUntil(1800);
        rig.Role = Role.Leader;
        rig.RunUntil(3000);
        rig.Role = Role.Follower;
        rig.RunUntil(4000);

        Assert.Equal(
            [(false, 0L), (true, 1000L), (false, 1500L), (true, 1800L), (false, 3000L)],
            rig.Sink.For(Led.Leader));
    }

    [Fact]
    public void Candidate_blink_restarts_in_phase_when_an_election_is_lost_and_retried()
    {
        var rig = new LedRig { Role = Role.Candidate };
        rig.RunUntil(700); // off since 500
        rig.Role = Role.Follower;
        rig.RunUntil(800);
        rig.Role = Role.Candidate;
        rig.RunUntil(1400);

        Assert.Equal([(true, 0L), (false, 500L), (true, 800L), (false, 1300L)], rig.Sink.For(Led.Leader));
    }

    [Fact]
    public void Healthy_to_isolated_to_minority_to_degraded_to_healthy()
    {
        var rig = new LedRig();
        rig.RunUntil(100);
        rig.Partition = PartitionState.Isolated;
        rig.RunUntil(400);
        rig.Partition = PartitionState.Minority;
        rig.RunUntil(1000);
        rig.Partition = PartitionState.Degraded;
        rig.RunUntil(2100);
        rig.Partition = PartitionState.Healthy;
        rig.RunUntil(3000);

        // Minority (solid) and then degraded (blink, starting lit) take over an LED that is
        // already lit, so neither change costs a write.
        Assert.Equal(
            [(false, 0L), (true, 100L), (false, 225L), (true, 350L), (false, 1500L), (true, 2000L), (false, 2100L)],
            rig.Sink.For(Led.Partition));
    }

    [Fact]
    public void Status_goes_dark_when_the_main_loop_stops_ticking_and_restarts_lit_when_it_resumes()
    {
        var rig = new LedRig();
        rig.RunUntil(1200); // on 0, off 500, on 1000
        var hungSince = rig.NowMs;
        while (rig.NowMs < 4000)
        {
            rig.Time.Advance(TimeSpan.FromMilliseconds(LedRig.TickMs));
            rig.SinceAlive = TimeSpan.FromMilliseconds(rig.NowMs - hungSince);
            rig.Tick();
        }

        rig.SinceAlive = TimeSpan.Zero;
        rig.RunUntil(5000);

        // Hung from 1200: still "alive" until 2 s have passed (3200), dark from the first tick after.
        Assert.Equal(
            [(true, 0L), (false, 500L), (true, 1000L), (false, 1500L), (true, 2000L), (false, 2500L), (true, 3000L), (false, 3225L), (true, 4000L), (false, 4500L), (true, 5000L)],
            rig.Sink.For(Led.Status));
        Assert.Equal(LedPattern.Heartbeat, rig.Controller.Snapshot.Status.Pattern);
    }

    [Fact]
    public void Status_off_snapshot_says_off_while_hung()
    {
        var rig = new LedRig { SinceAlive = TimeSpan.FromSeconds(5) };
        var snapshot = rig.Tick();

        Assert.Equal(LedState.Off, snapshot.Status);
        Assert.Equal([(false, 0L)], rig.Sink.For(Led.Status));
    }

    [Fact]
    public void Turn_off_darkens_only_the_lit_leds_and_reports_all_off()
    {
        var rig = new LedRig { Role = Role.Leader, Partition = PartitionState.Minority };
        rig.RunUntil(100);
        var before = rig.Sink.Writes.Count;

        rig.Controller.TurnOff();

        Assert.Equal([(Led.Status, false, 100L), (Led.Leader, false, 100L), (Led.Partition, false, 100L)], rig.Sink.Writes.Skip(before));
        Assert.Equal(LedSnapshot.AllOff, rig.Controller.Snapshot);
        Assert.All(rig.Sink.Lit, Assert.False);
    }

    [Fact]
    public void Any_sequence_of_states_keeps_sink_equal_to_snapshot_and_never_writes_a_non_change()
    {
        var step = Gen.Select(Gen.Enum<Role>(), Gen.Enum<PartitionState>(), Gen.Int[0, 3], Gen.Int[0, 3000], Gen.Int[1, 10]);
        step.Array[1, 40].Sample(steps =>
        {
            var rig = new LedRig();
            foreach (var (role, partition, updates, sinceAliveMs, ticks) in steps)
            {
                rig.Role = role;
                rig.Partition = partition;
                rig.Activity += updates;
                rig.SinceAlive = TimeSpan.FromMilliseconds(sinceAliveMs);
                for (var i = 0; i < ticks; i++)
                {
                    var snapshot = rig.Step();
                    foreach (var led in Enum.GetValues<Led>())
                    {
                        Assert.Equal(snapshot[led].On, rig.Sink.Lit[(int)led]);
                    }

                    Assert.Equal(role == Role.Leader, snapshot.Leader.Pattern == LedPattern.On);
                    Assert.Equal(partition == PartitionState.Minority, snapshot.Partition.Pattern == LedPattern.On);
                }
            }

            foreach (var led in Enum.GetValues<Led>())
            {
                var writes = rig.Sink.For(led);
                for (var i = 1; i < writes.Count; i++)
                {
                    Assert.NotEqual(writes[i - 1].On, writes[i].On);
                }
            }
        }, iter: 200);
    }

    [Fact]
    public void Loop_heartbeat_measures_time_since_the_last_beat_on_the_injected_clock()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var beat = new LoopHeartbeat(time);
        time.Advance(TimeSpan.FromMilliseconds(700));
        Assert.Equal(TimeSpan.FromMilliseconds(700), beat.Elapsed);

        beat.Beat();
        time.Advance(TimeSpan.FromMilliseconds(30));
        Assert.Equal(TimeSpan.FromMilliseconds(30), beat.Elapsed);
    }

    [Fact]
    public void Pattern_names_for_json_are_stable()
    {
        Assert.Equal(
            ["off", "on", "heartbeat", "blink-slow", "blink-fast", "flash"],
            Enum.GetValues<LedPattern>().Select(LedPatterns.WireName));
    }
}
