using System.Device.Gpio;
using EdgeSync.Core.Leds;
using Microsoft.Extensions.Logging;

namespace EdgeSync.Agent.Gpio;

/// <summary>
/// LEDs on GPIO pins. Opens each pin as an output already at its "off" level (no flash at
/// start-up), honours active-low wiring, and leaves every LED dark and every pin released on
/// dispose. A write that fails later (line taken away, device gone) is logged once and the
/// sink goes quiet: LEDs are a display, never a reason to crash.
/// </summary>
public sealed class GpioLedSink : ILedSink, IDisposable
{
    private readonly GpioController _gpio;
    private readonly GpioOptions _options;
    private readonly ILogger _logger;
    private readonly List<int> _opened = [];
    private bool _failed;

    private GpioLedSink(GpioController gpio, GpioOptions options, ILogger logger)
    {
        _gpio = gpio;
        _options = options;
        _logger = logger;
    }

    /// <summary>Opens the four LED pins, or logs one line and returns null (pin busy, no such line).</summary>
    public static GpioLedSink? TryOpen(GpioController gpio, GpioOptions options, ILogger logger)
    {
        var sink = new GpioLedSink(gpio, options, logger);
        try
        {
            foreach (var led in Enum.GetValues<Led>())
            {
                var pin = options.For(led);
                gpio.OpenPin(pin.Pin, PinMode.Output, Level(false, pin.ActiveLow));
                sink._opened.Add(pin.Pin);
            }

            return sink;
        }
        catch (Exception ex) when (IsGpioFailure(ex))
        {
            logger.LogWarning("GPIO: cannot drive the LED pins: {Message}{Suffix}", ex.Message, GpioAccess.OffSuffix);
            sink.ClosePins();
            return null;
        }
    }

    public static PinValue Level(bool on, bool activeLow) => on != activeLow ? PinValue.High : PinValue.Low;

    public void Set(Led led, bool on)
    {
        if (_failed)
        {
            return;
        }

        var pin = _options.For(led);
        try
        {
            _gpio.Write(pin.Pin, Level(on, pin.ActiveLow));
        }
        catch (Exception ex) when (IsGpioFailure(ex))
        {
            _failed = true;
            _logger.LogWarning("GPIO: writing the {Led} LED (GPIO {Pin}) failed: {Message}; LEDs stay as they are.", led, pin.Pin, ex.Message);
        }
    }

    public void Dispose() => ClosePins();

    /// <summary>
    /// Drivers throw a zoo of types (IOException, GpiodException, Win32Exception,
    /// DllNotFoundException, InvalidOperationException...): at this boundary anything but a
    /// runtime emergency means "no LEDs", never a crash.
    /// </summary>
    internal static bool IsGpioFailure(Exception ex) => ex is not (OutOfMemoryException or StackOverflowException or AccessViolationException);

    private void ClosePins()
    {
        foreach (var pinNumber in _opened)
        {
            try
            {
                var activeLow = Enum.GetValues<Led>().Select(_options.For).First(p => p.Pin == pinNumber).ActiveLow;
                _gpio.Write(pinNumber, Level(false, activeLow));
                _gpio.ClosePin(pinNumber);
            }
            catch (Exception ex) when (IsGpioFailure(ex))
            {
                // Shutting down: a pin we cannot close is released by the kernel when we exit.
            }
        }

        _opened.Clear();
    }
}
