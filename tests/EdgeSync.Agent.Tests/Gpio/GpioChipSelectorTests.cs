using System.Device.Gpio;
using EdgeSync.Agent.Gpio;

namespace EdgeSync.Agent.Tests.Gpio;

/// <summary>Chip layouts as `gpiodetect` prints them on each board.</summary>
public sealed class GpioChipSelectorTests
{
    private static readonly List<GpioChipInfo> Pi4 =
    [
        new(0, "gpiochip0", "pinctrl-bcm2711", 58),
        new(1, "gpiochip1", "raspberrypi-exp-gpio", 8),
    ];

    // Pi 5 on kernels before 6.6.45: RP1 is the fifth chip.
    private static readonly List<GpioChipInfo> Pi5Early =
    [
        new(0, "gpiochip0", "gpio-brcmstb@107d508500", 32),
        new(1, "gpiochip1", "gpio-brcmstb@107d508520", 4),
        new(2, "gpiochip2", "gpio-brcmstb@107d517c00", 17),
        new(3, "gpiochip3", "gpio-brcmstb@107d517c20", 6),
        new(4, "gpiochip4", "pinctrl-rp1", 54),
    ];

    // Newer Pi 5 kernels: RP1 moved to gpiochip0, the brcmstb chips to 10 and up.
    private static readonly List<GpioChipInfo> Pi5Late =
    [
        new(0, "gpiochip0", "pinctrl-rp1", 54),
        new(10, "gpiochip10", "gpio-brcmstb@107d508500", 32),
        new(11, "gpiochip11", "gpio-brcmstb@107d508520", 4),
        new(12, "gpiochip12", "gpio-brcmstb@107d517c00", 17),
        new(13, "gpiochip13", "gpio-brcmstb@107d517c20", 6),
    ];

    [Fact]
    public void Pi_4_uses_the_bcm2711_chip()
    {
        Assert.Equal(0, GpioChipSelector.Select(Pi4, null, "Raspberry Pi 4 Model B Rev 1.5", out _)?.Id);
    }

    [Fact]
    public void Pi_5_uses_rp1_on_gpiochip4_with_early_kernels()
    {
        Assert.Equal(4, GpioChipSelector.Select(Pi5Early, null, "Raspberry Pi 5 Model B Rev 1.0", out _)?.Id);
    }

    [Fact]
    public void Pi_5_uses_rp1_on_gpiochip0_with_newer_kernels()
    {
        Assert.Equal(0, GpioChipSelector.Select(Pi5Late, null, "Raspberry Pi 5 Model B Rev 1.1", out _)?.Id);
    }

    [Fact]
    public void Pi_5_family_with_unfamiliar_labels_uses_the_54_line_chip()
    {
        List<GpioChipInfo> chips = [new(0, "gpiochip0", "brcmstb", 32), new(3, "gpiochip3", "something-else", 54)];

        Assert.Equal(3, GpioChipSelector.Select(chips, null, "Raspberry Pi Compute Module 5 Rev 1.0", out _)?.Id);
    }

    [Fact]
    public void Configured_chip_wins_when_it_exists()
    {
        Assert.Equal(10, GpioChipSelector.Select(Pi5Late, 10, null, out _)?.Id);
    }

    [Fact]
    public void Configured_chip_that_does_not_exist_says_what_does()
    {
        Assert.Null(GpioChipSelector.Select(Pi4, 4, null, out var error));
        Assert.Equal("Gpio:Chip 4 does not exist (found: gpiochip0 'pinctrl-bcm2711' 58 lines, gpiochip1 'raspberrypi-exp-gpio' 8 lines)", error);
    }

    [Fact]
    public void No_chip_with_enough_lines_asks_for_Gpio_Chip()
    {
        Assert.Null(GpioChipSelector.Select([new(0, "gpiochip0", "tiny", 8)], null, null, out var error));
        Assert.Contains("set Gpio:Chip", error, StringComparison.Ordinal);
    }
}
