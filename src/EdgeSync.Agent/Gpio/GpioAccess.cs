using System.Device.Gpio;
using Microsoft.Extensions.Logging;

namespace EdgeSync.Agent.Gpio;

/// <summary>
/// Opens the GPIO controller for <c>Gpio:Driver=gpio</c>, choosing driver and chip ourselves
/// (System.Device.Gpio's own guess breaks on newer Pi 5 revisions and libgpiod-v2-only images).
/// Any failure — no chips, no libgpiod, no permission, a driver that throws — is one warning
/// line and a null result: the agent runs on with its LEDs off.
/// </summary>
public static class GpioAccess
{
    public const string OffSuffix = "; LEDs and button are off.";

    public static GpioController? TryOpen(GpioOptions options, IGpioPlatform platform, ILogger logger, out string description)
    {
        description = "off";
        string? problem;
        try
        {
            problem = TryOpenCore(options, platform, out var controller, ref description);
            if (controller is not null)
            {
                return controller;
            }
        }
        catch (Exception ex) when (GpioLedSink.IsGpioFailure(ex))
        {
            problem = $"cannot open GPIO: {ex.GetType().Name}: {ex.Message}";
        }

        logger.LogWarning("GPIO: {Problem}{Suffix}", problem, OffSuffix);
        return null;
    }

    private static string? TryOpenCore(GpioOptions options, IGpioPlatform platform, out GpioController? controller, ref string description)
    {
        controller = null;
        if (platform.ChipDevices().Count == 0)
        {
            return "no /dev/gpiochip* on this machine (not a Pi, or a container without the device)";
        }

        if (platform.FindLibrary() is not { } library)
        {
            return "libgpiod is not installed (apt install libgpiod2, or libgpiod3 on newer releases)";
        }

        var model = platform.BoardModel();
        if (GpioChipSelector.Select(platform.ListChips(library), options.Chip, model, out var error) is not { } chip)
        {
            return error;
        }

        var device = $"/dev/gpiochip{chip.Id}";
        if (platform.CheckAccess(device) is { } denied)
        {
            return denied;
        }

        controller = new GpioController(platform.CreateDriver(library, chip.Id));
        description = $"gpio: {device} '{chip.Label}' ({chip.NumLines} lines) via libgpiod {library}{(model is null ? "" : $" on {model}")}";
        return null;
    }
}
