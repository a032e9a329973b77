using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using System.Runtime.InteropServices;

namespace EdgeSync.Agent.Gpio;

/// <summary>The real machine: /dev, /proc/device-tree and libgpiod through System.Device.Gpio.</summary>
public sealed class LinuxGpioPlatform : IGpioPlatform
{
    public IReadOnlyList<string> ChipDevices()
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/dev"))
        {
            return [];
        }

        return [.. Directory.EnumerateFiles("/dev", "gpiochip*").Order(StringComparer.Ordinal)];
    }

    public string? BoardModel()
    {
        try
        {
            // The device-tree string ends in a NUL.
            return File.Exists("/proc/device-tree/model") ? File.ReadAllText("/proc/device-tree/model").TrimEnd('\0', '\n') : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public GpiodLibrary? FindLibrary()
    {
        if (CanLoad("libgpiod.so.2"))
        {
            return GpiodLibrary.V1;
        }

        return CanLoad("libgpiod.so.3") ? GpiodLibrary.V2 : null;
    }

    public IReadOnlyList<GpioChipInfo> ListChips(GpiodLibrary library) => library == GpiodLibrary.V1
        ? [.. LibGpiodDriver.GetAvailableChips()]
        : [.. LibGpiodV2Driver.GetAvailableChips()];

    public string? CheckAccess(string devicePath)
    {
        try
        {
            using var handle = File.OpenHandle(devicePath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return $"no permission to open {devicePath} (run as a member of the gpio group; the unit sets SupplementaryGroups=gpio)";
        }
        catch (IOException ex)
        {
            return $"cannot open {devicePath}: {ex.Message}";
        }
    }

    public GpioDriver CreateDriver(GpiodLibrary library, int chip) => library == GpiodLibrary.V1
        ? new LibGpiodDriver(chip)
        : new LibGpiodV2Driver(chip);

    private static bool CanLoad(string name)
    {
        if (!NativeLibrary.TryLoad(name, out var handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }
}
