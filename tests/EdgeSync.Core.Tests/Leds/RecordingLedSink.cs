using EdgeSync.Core.Leds;

namespace EdgeSync.Core.Tests.Leds;

/// <summary>Records every change with the fake time it happened at, in ms since the rig started.</summary>
internal sealed class RecordingLedSink(Func<long> nowMs) : ILedSink
{
    public List<(Led Led, bool On, long AtMs)> Writes { get; } = [];

    public bool[] Lit { get; } = new bool[4];

    public void Set(Led led, bool on)
    {
        Writes.Add((led, on, nowMs()));
        Lit[(int)led] = on;
    }

    public List<(bool On, long AtMs)> For(Led led) =>
        Writes.Where(w => w.Led == led).Select(w => (w.On, w.AtMs)).ToList();
}
