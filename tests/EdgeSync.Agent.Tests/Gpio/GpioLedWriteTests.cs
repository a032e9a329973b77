using System.Device.Gpio;
using EdgeSync.Core.Fleet;

namespace EdgeSync.Agent.Tests.Gpio;

/// <summary>The exact pin writes, with their fake times, for each state and transition.</summary>
public sealed class GpioLedWriteTests
{
    [Fact]
    public void Start_opens_each_led_pin_as_an_output_already_off_then_shows_a_healthy_follower()
    {
        using var rig = new GpioRig().Start();
        rig.RunUntil(1000);

        foreach (var pin in new[] { GpioRig.Status, GpioRig.Leader, GpioRig.Partition, GpioRig.Activity })
        {
            Assert.Equal(PinMode.Output, rig.Driver.ModeOf(pin));
            Assert.Equal((pin, PinValue.Low, 0L), rig.Driver.WritesTo(pin)[0]);
        }

        Assert.Equal([(true, 0L), (false, 500L), (true, 1000L)], rig.Seen(GpioRig.Status));
        Assert.Equal([(false, 0L)], rig.Seen(GpioRig.Leader));
        Assert.Equal([(false, 0L)], rig.Seen(GpioRig.Partition));
        Assert.Equal([(false, 0L)], rig.Seen(GpioRig.Activity));
    }

    [Fact]
    public void Leader_is_one_write_high()
    {
        using var rig = new GpioRig { Role = Role.Leader }.Start();
        rig.RunUntil(3000);

        Assert.Equal([(true, 0L)], rig.Seen(GpioRig.Leader));
    }

    [Fact]
    public void Candidate_blinks_the_leader_pin_at_1_Hz()
    {
        using var rig = new GpioRig { Role = Role.Candidate }.Start();
        rig.RunUntil(2000);

        Assert.Equal([(true, 0L), (false, 500L), (true, 1000L), (false, 1500L), (true, 2000L)], rig.Seen(GpioRig.Leader));
    }

    [Fact]
    public void Partition_states_on_the_partition_pin()
    {
        using var rig = new GpioRig { PartitionState = PartitionState.Degraded }.Start();
        rig.RunUntil(1000); // slow blink: on 0, off 500, on 1000
        rig.PartitionState = PartitionState.Isolated;
        rig.RunUntil(1500); // fast blink from 1100 (the next sample, 100 ms on): on, off +125, on +250, off +375
        rig.PartitionState = PartitionState.Minority;
        rig.RunUntil(2000); // solid from 1600 (the status LED's edge at 1500 ran before the change)
        rig.PartitionState = PartitionState.Healthy;
        rig.RunUntil(2500); // off from 2100

        Assert.Equal(
            [(true, 0L), (false, 500L), (true, 1000L), (false, 1225L), (true, 1350L), (false, 1475L), (true, 1600L), (false, 2100L)],
            rig.Seen(GpioRig.Partition));
    }

    [Fact]
    public void Election_sequence_on_the_leader_pin()
    {
        using var rig = new GpioRig().Start();
        rig.RunUntil(500);
        rig.Role = Role.Candidate;
        rig.RunUntil(1200); // blink from 600 (the next sample): on, off at 1100
        rig.Role = Role.Leader;
        rig.RunUntil(2000); // solid from 1300
        rig.Role = Role.Follower;
        rig.RunUntil(2500); // off from 2100

        Assert.Equal([(false, 0L), (true, 600L), (false, 1100L), (true, 1300L), (false, 2100L)], rig.Seen(GpioRig.Leader));
    }

    [Fact]
    public void A_refresh_shows_a_new_role_at_once_instead_of_at_the_next_sample()
    {
        using var rig = new GpioRig().Start();
        rig.RunUntil(530);
        rig.Role = Role.Leader;
        rig.Service.Refresh(); // what the host does when the fleet's status changed
        rig.Time.Advance(TimeSpan.Zero);

        Assert.Equal([(false, 0L), (true, 530L)], rig.Seen(GpioRig.Leader));
    }

    [Fact]
    public void A_refresh_that_lands_while_a_tick_samples_is_not_lost()
    {
        using var rig = new GpioRig().Start();
        rig.RunUntil(530);
        rig.DuringSample = () =>
        {
            rig.Role = Role.Leader; // too late for the sample being taken
            rig.Service.Refresh();
        };
        rig.Service.Refresh();
        rig.Time.Advance(TimeSpan.Zero);
        rig.Time.Advance(TimeSpan.Zero);

        Assert.Equal([(false, 0L), (true, 530L)], rig.Seen(GpioRig.Leader));
    }

    [Fact]
    public void Each_burst_of_updates_is_one_50_ms_flash_on_the_activity_pin()
    {
        using var rig = new GpioRig().Start();
        rig.RunUntil(200);
        rig.ActivityCount += 7;
        rig.RunUntil(400);
        rig.ActivityCount += 1;
        rig.RunUntil(600);

        // Each burst shows at the next sample (at most 100 ms on) and lasts exactly 50 ms.
        Assert.Equal([(false, 0L), (true, 300L), (false, 350L), (true, 500L), (false, 550L)], rig.Seen(GpioRig.Activity));
    }

    [Fact]
    public void Status_pin_stops_when_the_main_loop_hangs()
    {
        using var rig = new GpioRig().Start();
        rig.RunUntil(1000);
        rig.SinceAlive = TimeSpan.FromSeconds(3); // the main loop has not ticked for 3 s
        rig.RunUntil(3000);

        Assert.Equal([(true, 0L), (false, 500L), (true, 1000L), (false, 1100L)], rig.Seen(GpioRig.Status));
    }

    [Fact]
    public void Active_low_leds_are_inverted_from_opening_on()
    {
        using var rig = new GpioRig(o =>
        {
            o.Status.ActiveLow = true;
            o.Leader.ActiveLow = true;
        })
        { Role = Role.Leader };
        rig.Start();
        rig.RunUntil(1000);

        // Opened high (= dark), lit by driving low.
        Assert.Equal((GpioRig.Status, PinValue.High, 0L), rig.Driver.WritesTo(GpioRig.Status)[0]);
        Assert.Equal([(false, 0L), (true, 500L), (false, 1000L)], rig.Seen(GpioRig.Status));
        Assert.Equal([(false, 0L)], rig.Seen(GpioRig.Leader));
        Assert.Equal([(false, 0L)], rig.Seen(GpioRig.Partition)); // active-high ones unchanged
    }

    [Fact]
    public async Task Stop_darkens_every_led_releases_the_pins_and_no_tick_relights_them()
    {
        using var rig = new GpioRig(o => o.Leader.ActiveLow = true) { Role = Role.Leader, PartitionState = PartitionState.Minority }.Start();
        rig.RunUntil(300);

        await rig.Service.StopAsync(CancellationToken.None);
        var writesAtStop = rig.Driver.Writes.Count;
        rig.RunUntil(2000);

        Assert.Equal(PinValue.Low, rig.Driver.ValueOf(GpioRig.Status));
        Assert.Equal(PinValue.High, rig.Driver.ValueOf(GpioRig.Leader)); // active-low: high is dark
        Assert.Equal(PinValue.Low, rig.Driver.ValueOf(GpioRig.Partition));
        Assert.Equal(writesAtStop, rig.Driver.Writes.Count);
        Assert.Contains("close 17", rig.Driver.Calls);
        Assert.Contains("close 23", rig.Driver.Calls);
        Assert.True(rig.Driver.Disposed);
        Assert.Equal(Core.Leds.LedSnapshot.AllOff, rig.Service.Leds);
    }
}
