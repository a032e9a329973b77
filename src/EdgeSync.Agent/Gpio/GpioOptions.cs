using EdgeSync.Core.Leds;

namespace EdgeSync.Agent.Gpio;

/// <summary>
/// Config section <c>Gpio</c> (SPEC §6). The default driver is <c>virtual</c>: it touches no
/// hardware, so the same default is safe on a desktop and on a Pi whose pins carry something
/// else (a HAT); driving real pins is an explicit <c>"Driver": "gpio"</c>, which the shipped
/// device config sets.
/// </summary>
public sealed class GpioOptions
{
    public const string Section = "Gpio";

    /// <summary>Highest GPIO number on the 40-pin header (BCM 0–27).</summary>
    public const int MaxHeaderPin = 27;

    /// <summary><c>gpio</c>, <c>virtual</c> or <c>none</c>.</summary>
    public string Driver { get; set; } = "virtual";

    /// <summary>GPIO chip number (<c>/dev/gpiochipN</c>); unset = find the header's chip (RP1 on a Pi 5).</summary>
    public int? Chip { get; set; }

    public LedPinOptions Status { get; set; } = new(17);

    public LedPinOptions Leader { get; set; } = new(27);

    public LedPinOptions Partition { get; set; } = new(22);

    public LedPinOptions Activity { get; set; } = new(23);

    public ButtonOptions Button { get; set; } = new();

    public GpioDriverKind DriverKind => ParseDriver(Driver) ?? GpioDriverKind.Virtual;

    public LedPinOptions For(Led led) => led switch
    {
        Led.Status => Status,
        Led.Leader => Leader,
        Led.Partition => Partition,
        Led.Activity => Activity,
        _ => throw new ArgumentOutOfRangeException(nameof(led), led, "Unknown LED."),
    };

    /// <summary>Every problem, each naming its key; empty when the section is usable.</summary>
    public IEnumerable<string> Validate()
    {
        if (ParseDriver(Driver) is null)
        {
            yield return $"{Section}:Driver: '{Driver}' is not a GPIO driver; use gpio, virtual or none.";
        }

        if (Chip is < 0)
        {
            yield return $"{Section}:Chip: {Chip} is not a chip number (/dev/gpiochipN has N >= 0).";
        }

        // Pin numbers are checked for every driver, so a config tried out in virtual mode is
        // known good before it meets real hardware.
        var used = new Dictionary<int, string>();
        foreach (var led in Enum.GetValues<Led>())
        {
            var key = $"{Section}:{led}:Pin";
            var pin = For(led).Pin;
            if (!IsHeaderPin(pin))
            {
                yield return $"{key}: {pin} is not a GPIO of the 40-pin header; use a BCM number from 0 to {MaxHeaderPin}.";
            }
            else if (used.TryGetValue(pin, out var other))
            {
                yield return $"{key}: GPIO {pin} is already used by {other}; give each LED its own pin.";
            }
            else
            {
                used[pin] = key;
            }
        }

        if (!Button.Enabled)
        {
            yield break;
        }

        if (!IsHeaderPin(Button.Pin))
        {
            yield return $"{Section}:Button:Pin: {Button.Pin} is not a GPIO of the 40-pin header; use a BCM number from 0 to {MaxHeaderPin}.";
        }
        else if (used.TryGetValue(Button.Pin, out var led))
        {
            yield return $"{Section}:Button:Pin: GPIO {Button.Pin} is already used by {led}; the button needs a pin of its own.";
        }

        if (Button.LongPressMs is < 300 or > 10_000)
        {
            yield return $"{Section}:Button:LongPressMs: {Button.LongPressMs} is out of range; use 300 to 10000 ms.";
        }

        if (Button.DebounceMs is < 0 or > 200)
        {
            yield return $"{Section}:Button:DebounceMs: {Button.DebounceMs} is out of range; use 0 to 200 ms.";
        }
        else if (Button.DebounceMs * 2 >= Button.LongPressMs)
        {
            yield return $"{Section}:Button:DebounceMs: {Button.DebounceMs} ms leaves no room for a short press before LongPressMs ({Button.LongPressMs} ms).";
        }
    }

    public static GpioDriverKind? ParseDriver(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "gpio" => GpioDriverKind.Gpio,
        "virtual" => GpioDriverKind.Virtual,
        "none" => GpioDriverKind.None,
        _ => null,
    };

    private static bool IsHeaderPin(int pin) => pin is >= 0 and <= MaxHeaderPin;
}
