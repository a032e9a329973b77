namespace EdgeSync.Core.Leds;

/// <summary>Drops every change: no LEDs, or GPIO not available.</summary>
public sealed class NullLedSink : ILedSink
{
    public static NullLedSink Instance { get; } = new();

    public void Set(Led led, bool on)
    {
    }
}
