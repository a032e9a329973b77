using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace EdgeSync.Benchmarks;

/// <summary>
/// When one agent's garbage collections stopped its threads, read live from its diagnostics port (an
/// EventPipe session with the runtime's GC events only: a handful per collection). A pause runs from
/// the start of the suspension to the end of the restart, on the wall clock every process here shares,
/// so <see cref="FleetBenchmark"/> can tell which slow writes a collection held up.
/// </summary>
internal sealed class AgentGcWatch
{
    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _source;
    private readonly Task _reading;
    private readonly List<(DateTimeOffset Start, DateTimeOffset End)> _pauses = [];
    private DateTimeOffset? _suspending;

    private AgentGcWatch(EventPipeSession session)
    {
        _session = session;
        _source = new EventPipeEventSource(session.EventStream);
        _source.Clr.GCSuspendEEStart += e => _suspending = new DateTimeOffset(e.TimeStamp);
        // Both handlers run on the reading thread, and the pauses are read only once it has ended.
        _source.Clr.GCRestartEEStop += e =>
        {
            if (_suspending is { } start)
            {
                _pauses.Add((start, new DateTimeOffset(e.TimeStamp)));
            }

            _suspending = null;
        };
        _reading = Task.Factory.StartNew(() => _source.Process(), TaskCreationOptions.LongRunning);
    }

    /// <summary>Starts watching process <paramref name="pid"/>, or returns null (and says why) when its runtime does not answer.</summary>
    public static AgentGcWatch? Start(int pid)
    {
        try
        {
            var provider = new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC);
            return new AgentGcWatch(new DiagnosticsClient(pid).StartEventPipeSession([provider], requestRundown: false, circularBufferMB: 4));
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or TimeoutException or IOException)
        {
            Console.Error.WriteLine($"fleet: no garbage-collection events from process {pid} ({e.Message}); the slow writes are not matched to collections");
            return null;
        }
    }

    /// <summary>Ends the session, lets go of it and returns every pause seen.</summary>
    public async Task<IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)>> StopAsync()
    {
        try
        {
            await _session.StopAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is ServerNotAvailableException or IOException or EndOfStreamException)
        {
            // The agent already exited: its stream has ended too.
        }

        await _reading;
        _source.Dispose();
        _session.Dispose();
        return _pauses;
    }
}
