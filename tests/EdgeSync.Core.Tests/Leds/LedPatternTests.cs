using EdgeSync.Core.Fleet;
using EdgeSync.Core.Leds;

namespace EdgeSync.Core.Tests.Leds;

/// <summary>Exact on/off sequences of each LED in each steady state, under fake time.</summary>
public sealed class LedPatternTests
{
    [Fact]
    public void First_tick_writes_every_led_once_so_the_hardware_starts_known()
    {
        var rig = new LedRig();
        rig.Tick();

        Assert.Equal(
            [(Led.Status, true, 0L), (Led.Leader, false, 0L), (Led.Partition, false, 0L), (Led.Activity, false, 0L)],
            rig.Sink.Writes);
    }

    [Fact]
    public void Status_is_a_1_Hz_heartbeat_half_on()
    {
        var rig = new LedRig();
        rig.RunUntil(3000);

        Assert.Equal(
            [(true, 0L), (false, 500L), (true, 1000L), (false, 1500L), (true, 2000L), (false, 2500L), (true, 3000L)],
            rig.Sink.For(Led.Status));
    }

    [Fact]
    public void Follower_leader_led_stays_off()
    {
        var rig = new LedRig { Role = Role.Follower };
        rig.RunUntil(3000);

        Assert.Equal([(false, 0L)], rig.Sink.For(Led.Leader));
    }

    [Fact]
    public void Leader_led_is_solid_and_written_once()
    {
        var rig = new LedRig { Role = Role.Leader };
        rig.RunUntil(5000);

        Assert.Equal([(true, 0L)], rig.Sink.For(Led.Leader));
        Assert.Equal(new LedState(true, LedPattern.On), rig.Controller.Snapshot.Leader);
    }

    [Fact]
    public void Candidate_leader_led_blinks_slowly()
    {
        var rig = new LedRig { Role = Role.Candidate };
        rig.RunUntil(2000);

        Assert.Equal([(true, 0L), (false, 500L), (true, 1000L), (false, 1500L), (true, 2000L)], rig.Sink.For(Led.Leader));
    }

    [Fact]
    public void Healthy_partition_led_stays_off()
    {
        var rig = new LedRig { Partition = PartitionState.Healthy };
        rig.RunUntil(2000);

        Assert.Equal([(false, 0L)], rig.Sink.For(Led.Partition));
    }

    [Fact]
    public void Degraded_partition_led_blinks_slowly()
    {
        var rig = new LedRig { Partition = PartitionState.Degraded };
        rig.RunUntil(2000);

        Assert.Equal([(true, 0L), (false, 500L), (true, 1000L), (false, 1500L), (true, 2000L)], rig.Sink.For(Led.Partition));
    }

    [Fact]
    public void Minority_partition_led_is_solid()
    {
        var rig = new LedRig { Partition = PartitionState.Minority };
        rig.RunUntil(2000);

        Assert.Equal([(true, 0L)], rig.Sink.For(Led.Partition));
    }

    [Fact]
    public void Isolated_partition_led_blinks_fast_at_4_Hz()
    {
        var rig = new LedRig { Partition = PartitionState.Isolated };
        rig.RunUntil(1000);

        Assert.Equal(
            [(true, 0L), (false, 125L), (true, 250L), (false, 375L), (true, 500L), (false, 625L), (true, 750L), (false, 875L), (true, 1000L)],
            rig.Sink.For(Led.Partition));
        Assert.Equal(LedPattern.FastBlink, rig.Controller.Snapshot.Partition.Pattern);
    }

    [Fact]
    public void Activity_led_is_off_without_updates_and_ignores_updates_from_before_start()
    {
        var rig = new LedRig { Activity = 1234 };
        rig.RunUntil(1000);

        Assert.Equal([(false, 0L)], rig.Sink.For(Led.Activity));
    }

    [Fact]
    public void One_update_gives_one_50_ms_flash()
    {
        var rig = new LedRig();
        rig.RunUntil(100);
        rig.Activity++;
        rig.RunUntil(1000);

        Assert.Equal([(false, 0L), (true, 100L), (false, 150L)], rig.Sink.For(Led.Activity));
    }

    [Fact]
    public void A_burst_inside_one_flash_coalesces_into_one_flash()
    {
        var rig = new LedRig();
        rig.RunUntil(100);
        rig.Activity += 500; // 500 updates between two ticks
        rig.Step();
        rig.Activity += 3; // more during the flash: one follow-up flash after the gap
        rig.RunUntil(1000);

        Assert.Equal([(false, 0L), (true, 125L), (false, 175L), (true, 225L), (false, 275L)], rig.Sink.For(Led.Activity));
    }

    [Fact]
    public void A_steady_stream_flickers_50_on_50_off_instead_of_staying_lit()
    {
        var rig = new LedRig();
        rig.Tick();
        for (var i = 0; i < 12; i++)
        {
            rig.Activity++;
            rig.Step();
        }

        rig.RunUntil(600);

        Assert.Equal(
            [(false, 0L), (true, 25L), (false, 75L), (true, 125L), (false, 175L), (true, 225L), (false, 275L), (true, 325L), (false, 375L)],
            rig.Sink.For(Led.Activity));
    }
}
