using System.Diagnostics;
using EdgeSync.Agent.Tests.Process;
using Xunit.Abstractions;

namespace EdgeSync.Agent.Tests.Systemd;

/// <summary>
/// The real agent under a pretend systemd (Type=notify, WatchdogSec): the test owns the datagram
/// socket in NOTIFY_SOCKET and sets WATCHDOG_USEC, starts <c>edgesync run</c>, and checks READY=1
/// arrives once the API serves, WATCHDOG=1 comes every WATCHDOG_USEC/2 (never late enough for
/// systemd to kill it), and SIGTERM gives STOPPING=1 and exit code 0. The "hung loop → no
/// WATCHDOG" case needs a way to hang the loop, which the agent must not ship: ProcessNotifyTests
/// covers it with the probe host.
/// </summary>
public sealed class AgentNotifyTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan WatchdogTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Run_sends_ready_once_serving_then_watchdog_at_half_the_timeout_and_stopping_on_sigterm()
    {
        using var systemd = NotifySocketListener.InTempDirectory();
        var port = FreePort.Next();
        var env = new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = systemd.Address,
            ["WATCHDOG_USEC"] = ((long)WatchdogTimeout.TotalMicroseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["JOURNAL_STREAM"] = "8:12345",
        };
        var started = Stopwatch.GetTimestamp();
        using var agent = new ChildProcess(["run", "--node-id", "sd", "--data-dir", _dir.Path, "--api", $"127.0.0.1:{port}"], env);
        var seen = new List<string>();

        // READY=1 with the address; at that moment the API must already answer.
        var (ready, readyAt) = systemd.WaitFor(m => NotifySocketListener.HasLine(m, "READY=1"), Deadline, seen);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using (var health = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz")))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        }

        Assert.Contains($"STATUS=serving on http://127.0.0.1:{port}", ready.Split('\n'));
        output.WriteLine($"start -> READY=1: {Stopwatch.GetElapsedTime(started, readyAt).TotalMilliseconds:F0} ms");

        // Fresh pings only (drop any that queued while we made the request), then five intervals.
        while (systemd.Receive(TimeSpan.Zero) is { } queued)
        {
            seen.Add(queued.Message);
        }

        var previous = systemd.WaitFor(m => m == "WATCHDOG=1", Deadline, seen).Timestamp;
        var intervals = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            var next = systemd.WaitFor(m => m == "WATCHDOG=1", Deadline, seen).Timestamp;
            intervals.Add(Stopwatch.GetElapsedTime(previous, next));
            previous = next;
        }

        output.WriteLine("WATCHDOG=1 intervals: " + string.Join(", ", intervals.Select(t => $"{t.TotalMilliseconds:F0} ms")));
        Assert.All(intervals, t => Assert.True(t >= WatchdogTimeout / 2 - TimeSpan.FromMilliseconds(20), $"ping after {t.TotalMilliseconds:F0} ms: faster than WATCHDOG_USEC/2"));
        Assert.All(intervals, t => Assert.True(t < WatchdogTimeout, $"ping after {t.TotalMilliseconds:F0} ms: systemd would have killed the agent"));

        // systemctl stop: SIGTERM → STOPPING=1 → exit 0.
        agent.Terminate();
        systemd.WaitFor(m => NotifySocketListener.HasLine(m, "STOPPING=1"), Deadline, seen);
        Assert.Equal(0, await agent.WaitForExitAsync(Deadline));
        Assert.Single(seen, m => NotifySocketListener.HasLine(m, "READY=1"));

        // JOURNAL_STREAM set: log lines carry journald's <priority> prefix.
        var log = agent.Stdout + agent.Stderr;
        Assert.Contains("<6>", log, StringComparison.Ordinal);
        Assert.Contains("systemd notify socket", log, StringComparison.Ordinal);
    }
}
