using System.Device.Gpio;
using EdgeSync.Agent.Gpio;
using EdgeSync.Core.Fleet;
using EdgeSync.Core.Leds;
using Microsoft.Extensions.Time.Testing;

namespace EdgeSync.Agent.Tests.Gpio;

/// <summary>Without usable GPIO the agent says so in one line and runs on with its LEDs off.</summary>
public sealed class GpioAccessTests
{
    public static TheoryData<string, string> Broken => new()
    {
        { "no-chips", "no /dev/gpiochip* on this machine" },
        { "no-library", "libgpiod is not installed" },
        { "no-permission", "no permission to open /dev/gpiochip0" },
        { "bad-chip", "Gpio:Chip 3 does not exist" },
        { "driver-throws", "DllNotFoundException: libgpiod.so.2" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task Missing_gpio_is_one_warning_and_the_agent_runs_on_with_leds_off(string machine, string expected)
    {
        var platform = Machine(machine, out var options);
        var time = new FakeTimeProvider();
        var logger = new RecordingLogger();
        using var service = new LedService(options, () => new LedInput(Role.Leader, PartitionState.Isolated, 0, TimeSpan.Zero), time, logger, platform);

        await service.StartAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(5));
        await service.StopAsync(CancellationToken.None);

        var line = Assert.Single(logger.Lines);
        Assert.StartsWith("GPIO: ", line.Text, StringComparison.Ordinal);
        Assert.Contains(expected, line.Text, StringComparison.Ordinal);
        Assert.EndsWith("LEDs and button are off.", line.Text, StringComparison.Ordinal);
        Assert.Equal("off", service.Mode);
    }

    [Fact]
    public void Pi_5_opens_rp1_through_libgpiod_v2_when_only_v2_is_installed()
    {
        var time = new FakeTimeProvider();
        var platform = new FakeGpioPlatform
        {
            Devices = ["/dev/gpiochip0", "/dev/gpiochip10"],
            Model = "Raspberry Pi 5 Model B Rev 1.1",
            Library = GpiodLibrary.V2,
            Chips = [new(0, "gpiochip0", "pinctrl-rp1", 54), new(10, "gpiochip10", "gpio-brcmstb@107d508500", 32)],
            Driver = () => new RecordingGpioDriver(time),
        };
        var logger = new RecordingLogger();

        using var controller = GpioAccess.TryOpen(new GpioOptions { Driver = "gpio" }, platform, logger, out var description);

        Assert.NotNull(controller);
        Assert.Equal([(GpiodLibrary.V2, 0)], platform.Created);
        Assert.Equal("gpio: /dev/gpiochip0 'pinctrl-rp1' (54 lines) via libgpiod V2 on Raspberry Pi 5 Model B Rev 1.1", description);
        Assert.Empty(logger.Lines);
    }

    [Fact]
    public async Task A_pin_held_by_another_process_is_one_warning_and_no_pin_stays_open()
    {
        var time = new FakeTimeProvider();
        var driver = new BusyLineDriver(time, busyPin: 22);
        var logger = new RecordingLogger();
        using var service = new LedService(new GpioOptions { Driver = "gpio" }, () => LedInput.Idle, time, logger, new FakeGpioPlatform(), () => new GpioController(driver));

        await service.StartAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));

        var warning = Assert.Single(logger.Warnings);
        Assert.Equal("GPIO: cannot drive the LED pins: Device or resource busy (GPIO 22); LEDs and button are off.", warning);
        Assert.Equal(["close 17", "close 27", "open 17", "open 27"], driver.Calls.Order());
        Assert.Equal("off", service.Mode);
    }

    [Fact]
    public async Task A_state_provider_that_throws_is_logged_once_not_every_tick()
    {
        var time = new FakeTimeProvider();
        var logger = new RecordingLogger();
        using var service = new LedService(new GpioOptions(), () => throw new InvalidOperationException("membership not ready"), time, logger, new FakeGpioPlatform());

        await service.StartAsync(CancellationToken.None);
        for (var i = 0; i < 40; i++)
        {
            time.Advance(LedService.SampleInterval);
        }

        Assert.Equal("LEDs: reading the node state failed: membership not ready", Assert.Single(logger.Warnings));
    }

    [Fact]
    public async Task Virtual_driver_keeps_the_leds_in_memory_for_the_status_endpoint()
    {
        var time = new FakeTimeProvider();
        var role = Role.Follower;
        using var service = new LedService(new GpioOptions(), () => new LedInput(role, PartitionState.Minority, 0, TimeSpan.Zero), time, new RecordingLogger(), new FakeGpioPlatform());

        await service.StartAsync(CancellationToken.None);
        Run(time, 100);
        role = Role.Leader;
        Run(time, 1000);

        Assert.Equal("virtual", service.Mode);
        var virtualLeds = Assert.IsType<VirtualLedSink>(service.Virtual);
        Assert.True(virtualLeds.IsLit(Led.Leader));
        Assert.True(virtualLeds.IsLit(Led.Partition));
        Assert.Equal(2, virtualLeds.SwitchOns(Led.Status)); // at 0 and 1000: a live heartbeat
        Assert.Equal(new LedState(true, LedPattern.On), service.Leds?.Leader);
        Assert.Equal(new LedState(true, LedPattern.On), service.Leds?.Partition);
        Assert.Equal(LedPattern.Heartbeat, service.Leds?.Status.Pattern);
    }

    [Fact]
    public async Task Status_json_names_the_driver_and_each_pattern()
    {
        var time = new FakeTimeProvider();
        using var service = new LedService(new GpioOptions(), () => new LedInput(Role.Candidate, PartitionState.Isolated, 0, TimeSpan.Zero), time, new RecordingLogger(), new FakeGpioPlatform());
        await service.StartAsync(CancellationToken.None);

        var json = System.Text.Json.JsonSerializer.Serialize(LedsView.From(service), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));

        Assert.Equal(
            """{"driver":"virtual","status":{"on":true,"pattern":"heartbeat"},"leader":{"on":true,"pattern":"blink-slow"},"partition":{"on":true,"pattern":"blink-fast"},"activity":{"on":false,"pattern":"off"}}""",
            json);
    }

    [Fact]
    public async Task None_driver_runs_nothing_and_reports_no_leds()
    {
        var time = new FakeTimeProvider();
        var calls = 0;
        using var service = new LedService(new GpioOptions { Driver = "none" }, () => { calls++; return LedInput.Idle; }, time, new RecordingLogger(), new FakeGpioPlatform());

        await service.StartAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(0, calls);
        Assert.Null(service.Leds);
        Assert.Null(LedsView.From(service));
        Assert.Null(service.Virtual);
        Assert.Equal("none", service.Mode);
    }

    [Fact]
    public void The_real_platform_on_a_machine_without_gpio_says_so_without_throwing()
    {
        var platform = new LinuxGpioPlatform();
        var logger = new RecordingLogger();

        var controller = GpioAccess.TryOpen(new GpioOptions { Driver = "gpio" }, platform, logger, out _);

        // This build machine has no /dev/gpiochip*; on a Pi with access the controller opens instead.
        if (platform.ChipDevices().Count == 0)
        {
            Assert.Null(controller);
            Assert.Contains("no /dev/gpiochip*", Assert.Single(logger.Warnings), StringComparison.Ordinal);
        }
        else
        {
            controller?.Dispose();
            Assert.True(controller is not null || logger.Warnings.Count == 1);
        }
    }

    private static void Run(FakeTimeProvider time, int ms)
    {
        for (var t = 0; t < ms; t += (int)LedService.SampleInterval.TotalMilliseconds)
        {
            time.Advance(LedService.SampleInterval);
        }
    }

    private static FakeGpioPlatform Machine(string name, out GpioOptions options)
    {
        options = new GpioOptions { Driver = "gpio" };
        var platform = new FakeGpioPlatform();
        switch (name)
        {
            case "no-chips":
                platform.Devices = [];
                break;
            case "no-library":
                platform.Library = null;
                break;
            case "no-permission":
                platform.AccessError = "no permission to open /dev/gpiochip0 (run as a member of the gpio group; the unit sets SupplementaryGroups=gpio)";
                break;
            case "bad-chip":
                options.Chip = 3;
                break;
            default:
                platform.Driver = () => throw new DllNotFoundException("libgpiod.so.2");
                break;
        }

        return platform;
    }
}
