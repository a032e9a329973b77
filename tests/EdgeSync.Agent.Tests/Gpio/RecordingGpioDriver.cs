using System.Device.Gpio;

namespace EdgeSync.Agent.Tests.Gpio;

/// <summary>
/// An in-memory GPIO chip of 28 lines: records every write with the fake time it happened at,
/// and plays a wired button by raising edges through the callbacks registered with it, the way
/// libgpiod's event thread does. A plain GpioDriver subclass, used through GpioController.
/// </summary>
internal sealed class RecordingGpioDriver(TimeProvider time) : GpioDriver
{
    private readonly Lock _gate = new();
    private readonly DateTimeOffset _start = time.GetUtcNow();
    private readonly Dictionary<int, PinMode> _modes = [];
    private readonly Dictionary<int, PinValue> _values = [];
    private readonly List<(int Pin, PinEventTypes Types, PinChangeEventHandler Handler)> _callbacks = [];

    public List<(int Pin, PinValue Value, long AtMs)> Writes { get; } = [];

    public List<string> Calls { get; } = [];

    public bool Disposed { get; private set; }

    public PinMode? ModeOf(int pin)
    {
        lock (_gate)
        {
            return _modes.TryGetValue(pin, out var mode) ? mode : null;
        }
    }

    public PinValue ValueOf(int pin)
    {
        lock (_gate)
        {
            return _values.GetValueOrDefault(pin, PinValue.Low);
        }
    }

    public int CallbackCount(int pin)
    {
        lock (_gate)
        {
            return _callbacks.Count(c => c.Pin == pin);
        }
    }

    public List<(int Pin, PinValue Value, long AtMs)> WritesTo(int pin)
    {
        lock (_gate)
        {
            return Writes.Where(w => w.Pin == pin).ToList();
        }
    }

    /// <summary>Drive an input line from outside (a button), raising the matching edge to every callback.</summary>
    public void SetInput(int pin, PinValue value)
    {
        List<PinChangeEventHandler> handlers;
        PinEventTypes edge;
        lock (_gate)
        {
            var old = _values.GetValueOrDefault(pin, PinValue.High);
            _values[pin] = value;
            if (old == value)
            {
                return;
            }

            edge = value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            handlers = _callbacks.Where(c => c.Pin == pin && (c.Types & edge) != 0).Select(c => c.Handler).ToList();
        }

        foreach (var handler in handlers)
        {
            handler(this, new PinValueChangedEventArgs(edge, pin));
        }
    }

    protected override int PinCount => 28;

    protected override void OpenPin(int pinNumber)
    {
        lock (_gate)
        {
            CheckPin(pinNumber);
            Calls.Add($"open {pinNumber}");
        }
    }

    protected override void ClosePin(int pinNumber)
    {
        lock (_gate)
        {
            Calls.Add($"close {pinNumber}");
            _modes.Remove(pinNumber);
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        lock (_gate)
        {
            CheckPin(pinNumber);
            _modes[pinNumber] = mode;
            if (mode == PinMode.InputPullUp)
            {
                _values[pinNumber] = PinValue.High; // an open button reads high through the pull-up
            }

            Calls.Add($"mode {pinNumber} {mode}");
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode, PinValue initialValue)
    {
        SetPinMode(pinNumber, mode);
        Write(pinNumber, initialValue);
    }

    protected override PinMode GetPinMode(int pinNumber)
    {
        lock (_gate)
        {
            return _modes.GetValueOrDefault(pinNumber, PinMode.Input);
        }
    }

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

    protected override PinValue Read(int pinNumber) => ValueOf(pinNumber);

    protected override void Write(int pinNumber, PinValue value)
    {
        lock (_gate)
        {
            CheckPin(pinNumber);
            _values[pinNumber] = value;
            Writes.Add((pinNumber, value, (long)(time.GetUtcNow() - _start).TotalMilliseconds));
        }
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        // Block until a matching edge arrives through SetInput, or the wait is cancelled.
        using var arrived = new ManualResetEventSlim();
        var edge = PinEventTypes.None;
        void OnEdge(object sender, PinValueChangedEventArgs e)
        {
            edge = e.ChangeType;
            arrived.Set();
        }

        AddCallbackForPinValueChangedEvent(pinNumber, eventTypes, OnEdge);
        try
        {
            arrived.Wait(cancellationToken);
            return new WaitForEventResult { EventTypes = edge, TimedOut = false };
        }
        catch (OperationCanceledException)
        {
            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
        }
        finally
        {
            RemoveCallbackForPinValueChangedEvent(pinNumber, OnEdge);
        }
    }

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            _callbacks.Add((pinNumber, eventTypes, callback));
        }
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            _callbacks.RemoveAll(c => c.Pin == pinNumber && c.Handler == callback);
        }
    }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }

    private static void CheckPin(int pinNumber)
    {
        if (pinNumber is < 0 or >= 28)
        {
            throw new ArgumentOutOfRangeException(nameof(pinNumber), pinNumber, "No such line on this chip.");
        }
    }
}
