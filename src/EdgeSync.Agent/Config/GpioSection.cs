using EdgeSync.Agent.Gpio;

namespace EdgeSync.Agent.Config;

/// <summary>Reads config section <c>Gpio</c> into <see cref="GpioOptions"/>, naming every bad key.</summary>
public static class GpioSection
{
    public static GpioOptions Read(SectionReader r)
    {
        var o = new GpioOptions();
        o.Driver = r.String(nameof(GpioOptions.Driver), o.Driver).ToLowerInvariant();
        var chip = r.OptionalString(nameof(GpioOptions.Chip));
        if (chip is not null)
        {
            o.Chip = r.Int(nameof(GpioOptions.Chip), -1);
        }

        o.Status = Led(r.Child(nameof(GpioOptions.Status)), o.Status);
        o.Leader = Led(r.Child(nameof(GpioOptions.Leader)), o.Leader);
        o.Partition = Led(r.Child(nameof(GpioOptions.Partition)), o.Partition);
        o.Activity = Led(r.Child(nameof(GpioOptions.Activity)), o.Activity);
        var b = r.Child(nameof(GpioOptions.Button));
        o.Button = new ButtonOptions
        {
            Enabled = b.Bool(nameof(ButtonOptions.Enabled), o.Button.Enabled),
            Pin = b.Int(nameof(ButtonOptions.Pin), o.Button.Pin),
            LongPressMs = b.Int(nameof(ButtonOptions.LongPressMs), o.Button.LongPressMs),
            DebounceMs = b.Int(nameof(ButtonOptions.DebounceMs), o.Button.DebounceMs),
        };
        b.RejectUnknown();
        r.RejectUnknown();
        return o;
    }

    private static LedPinOptions Led(SectionReader r, LedPinOptions fallback)
    {
        var led = new LedPinOptions(r.Int(nameof(LedPinOptions.Pin), fallback.Pin))
        {
            ActiveLow = r.Bool(nameof(LedPinOptions.ActiveLow), fallback.ActiveLow),
        };
        r.RejectUnknown();
        return led;
    }
}
