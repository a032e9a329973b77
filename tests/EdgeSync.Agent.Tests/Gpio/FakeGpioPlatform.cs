using System.Device.Gpio;
using EdgeSync.Agent.Gpio;

namespace EdgeSync.Agent.Tests.Gpio;

/// <summary>A machine described by properties: a Pi 5, a Pi 4, a desktop, a locked-down container.</summary>
internal sealed class FakeGpioPlatform : IGpioPlatform
{
    public List<string> Devices { get; set; } = ["/dev/gpiochip0"];

    public string? Model { get; set; } = "Raspberry Pi 4 Model B Rev 1.5";

    public GpiodLibrary? Library { get; set; } = GpiodLibrary.V1;

    public List<GpioChipInfo> Chips { get; set; } = [new(0, "gpiochip0", "pinctrl-bcm2711", 58)];

    public string? AccessError { get; set; }

    public Func<GpioDriver> Driver { get; set; } = () => throw new InvalidOperationException("no driver configured");

    public List<(GpiodLibrary Library, int Chip)> Created { get; } = [];

    public IReadOnlyList<string> ChipDevices() => Devices;

    public string? BoardModel() => Model;

    public GpiodLibrary? FindLibrary() => Library;

    public IReadOnlyList<GpioChipInfo> ListChips(GpiodLibrary library) => Chips;

    public string? CheckAccess(string devicePath) => AccessError;

    public GpioDriver CreateDriver(GpiodLibrary library, int chip)
    {
        Created.Add((library, chip));
        return Driver();
    }
}
