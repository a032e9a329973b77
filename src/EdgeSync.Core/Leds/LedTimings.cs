namespace EdgeSync.Core.Leds;

/// <summary>
/// Periods of the LED patterns. The defaults are what a person reads at a glance: 1 Hz is
/// "blinking", 4 Hz is clearly "frantic", 50 ms is the shortest flash the eye still catches.
/// </summary>
public sealed record LedTimings
{
    public static LedTimings Default { get; } = new();

    public TimeSpan HeartbeatPeriod { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan SlowBlinkPeriod { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan FastBlinkPeriod { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan FlashOn { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Minimum dark time after a flash, so a steady stream of updates still flickers.</summary>
    public TimeSpan FlashGap { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The status LED goes dark once the main loop has not ticked for this long: a hung agent
    /// must not keep blinking "all well" from a timer thread.
    /// </summary>
    public TimeSpan AliveTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
