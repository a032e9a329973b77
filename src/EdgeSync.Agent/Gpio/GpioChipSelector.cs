using System.Device.Gpio;

namespace EdgeSync.Agent.Gpio;

/// <summary>
/// Picks the GPIO chip that carries the 40-pin header, whose line offsets are the BCM numbers.
/// Pi 5: the RP1 chip ("pinctrl-rp1", 54 lines) — gpiochip4 on early kernels, gpiochip0 on
/// newer ones, next to several brcmstb chips that are not the header. Pi 4/3: "pinctrl-bcm2711"
/// or "pinctrl-bcm2835" (gpiochip0). Pure, so each board's layout is a unit test.
/// </summary>
public static class GpioChipSelector
{
    /// <summary>The chip to use, or null with <paramref name="error"/> saying why none fits.</summary>
    public static GpioChipInfo? Select(IReadOnlyList<GpioChipInfo> chips, int? configured, string? boardModel, out string error)
    {
        error = "";
        if (configured is { } wanted)
        {
            var chip = chips.FirstOrDefault(c => c.Id == wanted);
            if (chip is null)
            {
                error = $"Gpio:Chip {wanted} does not exist (found: {Describe(chips)})";
            }

            return chip;
        }

        var byLabel = chips.FirstOrDefault(c => c.Label.Contains("rp1", StringComparison.OrdinalIgnoreCase))
            ?? chips.FirstOrDefault(c => c.Label.Contains("bcm2711", StringComparison.OrdinalIgnoreCase))
            ?? chips.FirstOrDefault(c => c.Label.Contains("bcm2835", StringComparison.OrdinalIgnoreCase));
        if (byLabel is not null)
        {
            return byLabel;
        }

        // A Pi 5 family board whose kernel labels the chip differently: RP1 is the 54-line one.
        if (boardModel is not null && IsPi5Family(boardModel) && chips.FirstOrDefault(c => c.NumLines == 54) is { } rp1)
        {
            return rp1;
        }

        var first = chips.Where(c => c.NumLines > GpioOptions.MaxHeaderPin).OrderBy(c => c.Id).FirstOrDefault();
        if (first is null)
        {
            error = $"no GPIO chip has the header's 28 lines (found: {Describe(chips)}); set Gpio:Chip";
        }

        return first;
    }

    public static bool IsPi5Family(string boardModel) =>
        boardModel.Contains("Raspberry Pi 5", StringComparison.OrdinalIgnoreCase)
        || boardModel.Contains("Raspberry Pi 500", StringComparison.OrdinalIgnoreCase)
        || boardModel.Contains("Compute Module 5", StringComparison.OrdinalIgnoreCase);

    private static string Describe(IReadOnlyList<GpioChipInfo> chips) => chips.Count == 0
        ? "none"
        : string.Join(", ", chips.Select(c => $"gpiochip{c.Id} '{c.Label}' {c.NumLines} lines"));
}
