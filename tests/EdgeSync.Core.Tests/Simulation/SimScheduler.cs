using Microsoft.Extensions.Time.Testing;

namespace EdgeSync.Core.Tests.Simulation;

/// <summary>
/// The simulation's only clock and event queue. Time moves one millisecond at a time on one
/// <see cref="FakeTimeProvider"/> (which fires the engines' timers); the simulator's own events
/// (message deliveries, commits, faults) run in (time, sequence) order. Single-threaded.
/// </summary>
public sealed class SimScheduler
{
    private readonly PriorityQueue<Action, (long At, long Seq)> _events = new();
    private long _seq;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public long NowMs { get; private set; }

    public int Pending => _events.Count;

    public void At(long delayMs, Action action) => _events.Enqueue(action, (NowMs + Math.Max(0, delayMs), _seq++));

    /// <summary>Advance to <paramref name="untilMs"/>, firing timers and events in order.</summary>
    public void RunUntil(long untilMs)
    {
        while (NowMs < untilMs)
        {
            NowMs++;
            Time.SetUtcNow(Time.Start.AddMilliseconds(NowMs));
            while (_events.TryPeek(out _, out var key) && key.At <= NowMs)
            {
                _events.Dequeue()();
            }
        }
    }
}
