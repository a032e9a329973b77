using EdgeSync.Agent.Gpio;

namespace EdgeSync.Agent.Tests.Gpio;

public sealed class GpioOptionsTests
{
    [Fact]
    public void Defaults_are_valid_virtual_on_bcm_17_27_22_23_with_button_on_24()
    {
        var options = new GpioOptions();

        Assert.Empty(options.Validate());
        Assert.Equal(GpioDriverKind.Virtual, options.DriverKind);
        Assert.Equal([17, 27, 22, 23, 24], [options.Status.Pin, options.Leader.Pin, options.Partition.Pin, options.Activity.Pin, options.Button.Pin]);
        Assert.False(options.Status.ActiveLow);
    }

    [Theory]
    [InlineData("gpio", GpioDriverKind.Gpio)]
    [InlineData(" GPIO ", GpioDriverKind.Gpio)]
    [InlineData("Virtual", GpioDriverKind.Virtual)]
    [InlineData("none", GpioDriverKind.None)]
    public void Driver_names_parse_case_insensitively(string value, GpioDriverKind expected)
    {
        Assert.Equal(expected, GpioOptions.ParseDriver(value));
        Assert.Empty(new GpioOptions { Driver = value }.Validate());
    }

    [Fact]
    public void Unknown_driver_names_the_key()
    {
        var error = Assert.Single(new GpioOptions { Driver = "wiringpi" }.Validate());
        Assert.Equal("Gpio:Driver: 'wiringpi' is not a GPIO driver; use gpio, virtual or none.", error);
    }

    [Theory]
    [InlineData(28)]
    [InlineData(-1)]
    [InlineData(40)]
    public void Pin_outside_the_header_names_the_key(int pin)
    {
        var options = new GpioOptions();
        options.Leader.Pin = pin;

        var error = Assert.Single(options.Validate());
        Assert.Equal($"Gpio:Leader:Pin: {pin} is not a GPIO of the 40-pin header; use a BCM number from 0 to 27.", error);
    }

    [Fact]
    public void Same_pin_twice_names_both_keys()
    {
        var options = new GpioOptions();
        options.Activity.Pin = 17;

        var error = Assert.Single(options.Validate());
        Assert.Equal("Gpio:Activity:Pin: GPIO 17 is already used by Gpio:Status:Pin; give each LED its own pin.", error);
    }

    [Fact]
    public void Button_on_an_led_pin_is_rejected()
    {
        var options = new GpioOptions();
        options.Button.Pin = 22;

        var error = Assert.Single(options.Validate());
        Assert.Equal("Gpio:Button:Pin: GPIO 22 is already used by Gpio:Partition:Pin; the button needs a pin of its own.", error);
    }

    [Fact]
    public void Disabled_button_is_not_checked()
    {
        var options = new GpioOptions();
        options.Button.Enabled = false;
        options.Button.Pin = 22;
        options.Button.LongPressMs = 1;

        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var options = new GpioOptions { Driver = "x", Chip = -2 };
        options.Status.Pin = 99;
        options.Button.LongPressMs = 50;
        options.Button.DebounceMs = 500;

        var errors = options.Validate().ToList();

        Assert.Equal(5, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Gpio:Driver:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Gpio:Chip: -2", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Gpio:Status:Pin: 99", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Gpio:Button:LongPressMs: 50", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Gpio:Button:DebounceMs: 500", StringComparison.Ordinal));
    }
}
