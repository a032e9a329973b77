namespace EdgeSync.Core.Leds;

/// <summary>One LED: lit right now, and the pattern it is running (the meaningful part for a dashboard).</summary>
public readonly record struct LedState(bool On, LedPattern Pattern)
{
    public static LedState Off { get; } = new(false, LedPattern.Off);
}
