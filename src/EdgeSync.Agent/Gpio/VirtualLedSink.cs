using EdgeSync.Core.Leds;

namespace EdgeSync.Agent.Gpio;

/// <summary>
/// LEDs kept in memory (<c>Gpio:Driver=virtual</c>): the emulator and /v1/status read them.
/// Counting switch-ons lets a test or the dashboard tell "blinking" from "stuck". Thread-safe.
/// </summary>
public sealed class VirtualLedSink : ILedSink
{
    private readonly Lock _gate = new();
    private readonly bool[] _lit = new bool[4];
    private readonly long[] _switchOns = new long[4];

    public void Set(Led led, bool on)
    {
        lock (_gate)
        {
            if (on && !_lit[(int)led])
            {
                _switchOns[(int)led]++;
            }

            _lit[(int)led] = on;
        }
    }

    public bool IsLit(Led led)
    {
        lock (_gate)
        {
            return _lit[(int)led];
        }
    }

    /// <summary>How many times the LED has gone from dark to lit.</summary>
    public long SwitchOns(Led led)
    {
        lock (_gate)
        {
            return _switchOns[(int)led];
        }
    }
}
