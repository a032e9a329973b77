using System.Device.Gpio;

namespace EdgeSync.Agent.Tests.Gpio;

/// <summary>A chip whose one line another process holds: opening it fails like libgpiod's EBUSY.</summary>
internal sealed class BusyLineDriver(TimeProvider time, int busyPin) : GpioDriver
{
    private readonly RecordingGpioDriver _inner = new(time);

    public List<string> Calls { get; } = [];

    protected override int PinCount => 28;

    protected override void OpenPin(int pinNumber)
    {
        if (pinNumber == busyPin)
        {
            throw new IOException($"Device or resource busy (GPIO {pinNumber})");
        }

        Calls.Add($"open {pinNumber}");
    }

    protected override void ClosePin(int pinNumber) => Calls.Add($"close {pinNumber}");

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
    }

    protected override PinMode GetPinMode(int pinNumber) => PinMode.Output;

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

    protected override PinValue Read(int pinNumber) => PinValue.Low;

    protected override void Write(int pinNumber, PinValue value)
    {
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        new() { EventTypes = PinEventTypes.None, TimedOut = true };

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
    }

    protected override void Dispose(bool disposing)
    {
        _inner.Dispose();
        base.Dispose(disposing);
    }
}
