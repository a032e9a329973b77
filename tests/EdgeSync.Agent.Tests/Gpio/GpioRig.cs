using System.Device.Gpio;
using EdgeSync.Agent.Gpio;
using EdgeSync.Core.Fleet;
using EdgeSync.Core.Leds;
using Microsoft.Extensions.Time.Testing;

namespace EdgeSync.Agent.Tests.Gpio;

/// <summary>A LedService with Driver=gpio on a recording driver and fake time.</summary>
internal sealed class GpioRig : IDisposable
{
    public const int Status = 17;
    public const int Leader = 27;
    public const int Partition = 22;
    public const int Activity = 23;
    public const int Button = 24;

    public GpioRig(Action<GpioOptions>? configure = null)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Driver = new RecordingGpioDriver(Time);
        Options = new GpioOptions { Driver = "gpio" };
        Options.Button.DebounceMs = 0; // GpioButton debounces on the real clock; tests press on fake time
        configure?.Invoke(Options);
        Service = new LedService(
            Options,
            () =>
            {
                var input = new LedInput(Role, PartitionState, ActivityCount, SinceAlive);
                var during = DuringSample;
                DuringSample = null;
                during?.Invoke(); // once, after the input was taken: a change that lands mid-tick
                return input;
            },
            Time,
            Logger,
            new FakeGpioPlatform(),
            () => new GpioController(Driver));
    }

    public FakeTimeProvider Time { get; }

    public RecordingGpioDriver Driver { get; }

    public GpioOptions Options { get; }

    public RecordingLogger Logger { get; } = new();

    public LedService Service { get; }

    public Role Role { get; set; } = Role.Follower;

    public PartitionState PartitionState { get; set; } = PartitionState.Healthy;

    public long ActivityCount { get; set; }

    public TimeSpan SinceAlive { get; set; }

    /// <summary>Runs once inside the next sample of the state, after the input was read.</summary>
    public Action? DuringSample { get; set; }

    public long NowMs => (long)(Time.GetUtcNow() - new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)).TotalMilliseconds;

    public GpioRig Start()
    {
        Service.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return this;
    }

    /// <summary>Moves fake time forward in 5 ms steps, so the service's timer fires close to each time it asked for.</summary>
    public void RunUntil(long ms)
    {
        while (NowMs < ms)
        {
            Time.Advance(TimeSpan.FromMilliseconds(5));
        }
    }

    /// <summary>Writes to a pin as (high?, ms), leaving out the off-level written when the pin is opened.</summary>
    public List<(bool High, long AtMs)> Seen(int pin) =>
        Driver.WritesTo(pin).Skip(1).Select(w => (w.Value == PinValue.High, w.AtMs)).ToList();

    public void Dispose() => Service.Dispose();
}
