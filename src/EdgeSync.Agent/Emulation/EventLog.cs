using System.Diagnostics;
using System.Threading.Channels;

namespace EdgeSync.Agent.Emulation;

/// <summary>
/// The fleet's recent events: the dashboard shows the last few, the script mode prints each one
/// as it arrives (through <see cref="Reader"/>). Thread-safe.
/// </summary>
public sealed class EventLog
{
    private const int Keep = 200;

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Queue<FleetEvent> _recent = new();
    private readonly Channel<FleetEvent> _stream = Channel.CreateUnbounded<FleetEvent>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Lock _gate = new();

    public TimeSpan Elapsed => _clock.Elapsed;

    public ChannelReader<FleetEvent> Reader => _stream.Reader;

    public void Add(string text)
    {
        var e = new FleetEvent(_clock.Elapsed, text);
        lock (_gate)
        {
            _recent.Enqueue(e);
            if (_recent.Count > Keep)
            {
                _recent.Dequeue();
            }
        }

        _stream.Writer.TryWrite(e);
    }

    public IReadOnlyList<FleetEvent> Last(int count)
    {
        lock (_gate)
        {
            return [.. _recent.Skip(Math.Max(0, _recent.Count - count))];
        }
    }
}
