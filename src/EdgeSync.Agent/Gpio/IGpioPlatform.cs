using System.Device.Gpio;

namespace EdgeSync.Agent.Gpio;

/// <summary>
/// What <see cref="GpioAccess"/> needs from the machine, so every "no GPIO here" path can be
/// tested on a desktop. <see cref="LinuxGpioPlatform"/> is the real one.
/// </summary>
public interface IGpioPlatform
{
    /// <summary>Paths of <c>/dev/gpiochip*</c>.</summary>
    IReadOnlyList<string> ChipDevices();

    /// <summary>The device-tree model ("Raspberry Pi 5 Model B Rev 1.0"), or null off a Pi.</summary>
    string? BoardModel();

    /// <summary>The libgpiod the system has (v1 preferred: the older, better-trodden driver), or null.</summary>
    GpiodLibrary? FindLibrary();

    IReadOnlyList<GpioChipInfo> ListChips(GpiodLibrary library);

    /// <summary>Null when this process may open the device read-write, else why not.</summary>
    string? CheckAccess(string devicePath);

    GpioDriver CreateDriver(GpiodLibrary library, int chip);
}
