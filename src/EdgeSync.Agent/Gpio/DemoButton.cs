using System.Device.Gpio;
using Iot.Device.Button;
using Microsoft.Extensions.Logging;

namespace EdgeSync.Agent.Gpio;

/// <summary>
/// The demo button (Iot.Device.Bindings' <see cref="GpioButton"/>, wired pin → GND with the
/// internal pull-up). A release after less than <see cref="ButtonOptions.LongPressMs"/> is a
/// press, after longer a long press. The length is measured here on the injected clock from
/// ButtonDown to ButtonUp, rather than with GpioButton's Holding timer, because that one also
/// raises Press on release (a long press would count too) and runs on real time only.
/// Handlers run one at a time, off the GPIO event thread, and their failures are logged.
/// </summary>
public sealed class DemoButton : IDisposable
{
    private readonly GpioButton _button;
    private readonly TimeProvider _time;
    private readonly TimeSpan _longPress;
    private readonly Func<Task> _onPress;
    private readonly Func<Task> _onLongPress;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly Lock _gate = new();
    private long? _downAt;

    public DemoButton(GpioController gpio, ButtonOptions options, TimeProvider time, Func<Task> onPress, Func<Task> onLongPress, ILogger logger)
    {
        _time = time;
        _longPress = TimeSpan.FromMilliseconds(options.LongPressMs);
        _onPress = onPress;
        _onLongPress = onLongPress;
        _logger = logger;
        _button = new GpioButton(
            options.Pin,
            isPullUp: true,
            hasExternalResistor: false,
            gpio,
            shouldDispose: false,
            debounceTime: TimeSpan.FromMilliseconds(options.DebounceMs));
        _button.ButtonDown += OnDown;
        _button.ButtonUp += OnUp;
    }

    public void Dispose()
    {
        _button.ButtonDown -= OnDown;
        _button.ButtonUp -= OnUp;
        _button.Dispose();
    }

    private void OnDown(object? sender, EventArgs e)
    {
        lock (_gate)
        {
            _downAt = _time.GetTimestamp();
        }
    }

    private void OnUp(object? sender, EventArgs e)
    {
        long? downAt;
        lock (_gate)
        {
            (downAt, _downAt) = (_downAt, null);
        }

        if (downAt is null)
        {
            return;
        }

        var held = _time.GetElapsedTime(downAt.Value);
        var isLong = held >= _longPress;
        _ = RunAsync(isLong ? _onLongPress : _onPress, isLong ? "long press" : "press");
    }

    private async Task RunAsync(Func<Task> handler, string what)
    {
        await Task.Yield(); // off the GPIO callback thread
        await _oneAtATime.WaitAsync();
        try
        {
            await handler();
        }
        catch (Exception ex)
        {
            _logger.LogWarning("Button {What}: {Message}", what, ex.Message);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }
}
