namespace EdgeSync.Core.Leds;

/// <summary>What an LED is doing over time; <see cref="LedPatterns.IsOn"/> turns it into on/off.</summary>
public enum LedPattern
{
    Off,
    On,

    /// <summary>Status LED: 1 Hz, half on, while the agent's main loop keeps ticking.</summary>
    Heartbeat,

    /// <summary>1 Hz, half on: candidate (leader LED), degraded (partition LED).</summary>
    SlowBlink,

    /// <summary>4 Hz, half on: isolated (partition LED).</summary>
    FastBlink,

    /// <summary>Activity LED: one short flash for a burst of replicated updates.</summary>
    Flash,
}
