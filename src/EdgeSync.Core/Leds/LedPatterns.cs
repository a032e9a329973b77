using EdgeSync.Core.Fleet;

namespace EdgeSync.Core.Leds;

/// <summary>The table of SPEC §6: which pattern each LED runs for a node state, and when a pattern is lit.</summary>
public static class LedPatterns
{
    public static LedPattern ForStatus(TimeSpan sinceAlive, LedTimings timings) =>
        sinceAlive <= timings.AliveTimeout ? LedPattern.Heartbeat : LedPattern.Off;

    public static LedPattern ForRole(Role role) => role switch
    {
        Role.Leader => LedPattern.On,
        Role.Candidate => LedPattern.SlowBlink,
        _ => LedPattern.Off,
    };

    public static LedPattern ForPartition(PartitionState state) => state switch
    {
        PartitionState.Degraded => LedPattern.SlowBlink,
        PartitionState.Minority => LedPattern.On,
        PartitionState.Isolated => LedPattern.FastBlink,
        _ => LedPattern.Off,
    };

    /// <summary>
    /// Whether a periodic pattern is lit <paramref name="elapsed"/> after it started. Every
    /// blink starts lit, so a change of state shows at once. <see cref="LedPattern.Flash"/> is
    /// timed by <see cref="LedController"/>, not here.
    /// </summary>
    public static bool IsOn(LedPattern pattern, TimeSpan elapsed, LedTimings timings) =>
        PeriodOf(pattern, timings) is { } period ? FirstHalf(elapsed, period) : pattern == LedPattern.On;

    /// <summary>The period of a blinking pattern (lit for its first half); null for a steady one or <see cref="LedPattern.Flash"/>.</summary>
    public static TimeSpan? PeriodOf(LedPattern pattern, LedTimings timings) => pattern switch
    {
        LedPattern.Heartbeat => timings.HeartbeatPeriod,
        LedPattern.SlowBlink => timings.SlowBlinkPeriod,
        LedPattern.FastBlink => timings.FastBlinkPeriod,
        _ => null,
    };

    /// <summary>Lower-case names used in JSON and on the dashboard.</summary>
    public static string WireName(LedPattern pattern) => pattern switch
    {
        LedPattern.On => "on",
        LedPattern.Heartbeat => "heartbeat",
        LedPattern.SlowBlink => "blink-slow",
        LedPattern.FastBlink => "blink-fast",
        LedPattern.Flash => "flash",
        _ => "off",
    };

    private static bool FirstHalf(TimeSpan elapsed, TimeSpan period)
    {
        if (elapsed < TimeSpan.Zero)
        {
            return true;
        }

        return elapsed.Ticks % period.Ticks < period.Ticks / 2;
    }
}
