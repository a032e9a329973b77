namespace EdgeSync.Core.Leds;

/// <summary>
/// Where LED states go: GPIO pins, an in-memory copy for emulation, or nowhere.
/// <see cref="LedController"/> calls it only for changes, from one thread at a time.
/// </summary>
public interface ILedSink
{
    void Set(Led led, bool on);
}
