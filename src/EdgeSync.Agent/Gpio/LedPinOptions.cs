namespace EdgeSync.Agent.Gpio;

/// <summary>One LED's pin (BCM numbering) and polarity.</summary>
public sealed class LedPinOptions
{
    public LedPinOptions()
    {
    }

    public LedPinOptions(int pin) => Pin = pin;

    public int Pin { get; set; }

    /// <summary>True when the LED is wired from 3.3 V to the pin (lit when the pin is low).</summary>
    public bool ActiveLow { get; set; }
}
