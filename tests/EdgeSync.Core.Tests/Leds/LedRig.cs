using EdgeSync.Core.Fleet;
using EdgeSync.Core.Leds;
using Microsoft.Extensions.Time.Testing;

namespace EdgeSync.Core.Tests.Leds;

/// <summary>A controller on fake time, ticked every 25 ms like the agent's LED service.</summary>
internal sealed class LedRig
{
    public const int TickMs = 25;

    private readonly DateTimeOffset _start;

    public LedRig()
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _start = Time.GetUtcNow();
        Sink = new RecordingLedSink(() => NowMs);
        Controller = new LedController(Sink, Time);
    }

    public FakeTimeProvider Time { get; }

    public RecordingLedSink Sink { get; }

    public LedController Controller { get; }

    public Role Role { get; set; } = Role.Follower;

    public PartitionState Partition { get; set; } = PartitionState.Healthy;

    public long Activity { get; set; }

    public TimeSpan SinceAlive { get; set; } = TimeSpan.Zero;

    public long NowMs => (long)(Time.GetUtcNow() - _start).TotalMilliseconds;

    public LedSnapshot Tick() => Controller.Update(new LedInput(Role, Partition, Activity, SinceAlive));

    /// <summary>Ticks now, then every 25 ms until <paramref name="untilMs"/> (inclusive).</summary>
    public void RunUntil(long untilMs)
    {
        Tick();
        while (NowMs + TickMs <= untilMs)
        {
            Time.Advance(TimeSpan.FromMilliseconds(TickMs));
            Tick();
        }
    }

    /// <summary>Advance one tick (or <paramref name="ms"/>) and sample.</summary>
    public LedSnapshot Step(int ms = TickMs)
    {
        Time.Advance(TimeSpan.FromMilliseconds(ms));
        return Tick();
    }
}
