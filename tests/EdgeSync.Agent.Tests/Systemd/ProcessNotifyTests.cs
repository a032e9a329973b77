using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using EdgeSync.Agent.Tests.Systemd.Probe;
using Xunit.Abstractions;

namespace EdgeSync.Agent.Tests.Systemd;

/// <summary>
/// Process level: this test plays systemd for the probe host in this assembly (wired like the
/// agent) because it needs one thing the agent must not ship — a way to hang the main loop — to
/// show that WATCHDOG=1 stops then. The real agent's READY/WATCHDOG/STOPPING: AgentNotifyTests.
/// </summary>
public sealed class ProcessNotifyTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Child_sends_ready_once_serving_watchdog_from_its_loop_and_stopping_on_sigterm()
    {
        using var systemd = NotifySocketListener.InTempDirectory();
        var started = Stopwatch.GetTimestamp();
        var stdout = new ConcurrentQueue<string>();
        using var child = StartProbe(systemd.Address, stdout);
        var seen = new List<string>();

        try
        {
            // READY carries the address; the API must already answer when it arrives.
            var (ready, readyAt) = systemd.WaitFor(m => NotifySocketListener.HasLine(m, "READY=1"), Deadline, seen);
            output.WriteLine($"start -> READY: {Stopwatch.GetElapsedTime(started, readyAt).TotalMilliseconds:F0} ms");
            var url = new Uri(ready.Split('\n').Single(l => l.StartsWith("STATUS=serving on ", StringComparison.Ordinal))["STATUS=serving on ".Length..]);
            using var http = new HttpClient { BaseAddress = url, Timeout = Deadline };
            using (var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative)))
            {
                Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
            }

            // Watchdog pings from the child's main loop, at least half a timeout apart (judged on
            // fresh ones: drop whatever queued up during start-up and came in a burst).
            while (systemd.Receive(TimeSpan.Zero) is { } queued)
            {
                seen.Add(queued.Message);
            }

            var first = systemd.WaitFor(m => m == "WATCHDOG=1", Deadline, seen).Timestamp;
            var last = first;
            for (var i = 0; i < 4; i++)
            {
                last = systemd.WaitFor(m => m == "WATCHDOG=1", Deadline, seen).Timestamp;
            }

            // Four gaps of at least half the timeout each (a ping per loop tick would take ~0.2 s).
            // Judged on receive times, so allow for the first one being read late on a loaded machine.
            var span = Stopwatch.GetElapsedTime(first, last);
            Assert.True(span >= (Timeout * 2) - TimeSpan.FromMilliseconds(300), $"5 pings within {span}");

            // Hang the loop: after the pings it had sent, silence for longer than the timeout.
            using var blocked = await http.PostAsync(new Uri("/probe/block", UriKind.Relative), null);
            var sentBeforeBlock = long.Parse(await blocked.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture);
            while (seen.Count(m => m == "WATCHDOG=1") < sentBeforeBlock)
            {
                systemd.WaitFor(m => m == "WATCHDOG=1", Deadline, seen);
            }

            Assert.Null(systemd.Receive(Timeout * 1.5));

            // systemctl stop: SIGTERM, then STOPPING=1 and a clean exit.
            Signal(child.Id, "TERM");
            systemd.WaitFor(m => NotifySocketListener.HasLine(m, "STOPPING=1"), Deadline, seen);
            Assert.True(child.WaitForExit(Deadline), "the child did not exit after SIGTERM");
            child.WaitForExit(); // drains the redirected output
            Assert.Equal(0, child.ExitCode);
            Assert.Single(seen, m => NotifySocketListener.HasLine(m, "READY=1"));

            // Under systemd (JOURNAL_STREAM set) log lines carry journald's <priority> prefix.
            Assert.Contains(stdout, l => l.StartsWith("<6>", StringComparison.Ordinal) && l.Contains("systemd notify socket", StringComparison.Ordinal));
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill();
            }
        }
    }

    private static System.Diagnostics.Process StartProbe(string notifySocket, ConcurrentQueue<string> stdout)
    {
        var assembly = typeof(TestEntryPoint).Assembly.Location;
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(assembly);
        info.ArgumentList.Add("systemd-probe");
        info.Environment["NOTIFY_SOCKET"] = notifySocket;
        info.Environment["WATCHDOG_USEC"] = ((long)Timeout.TotalMicroseconds).ToString(CultureInfo.InvariantCulture);
        info.Environment.Remove("WATCHDOG_PID");
        info.Environment["JOURNAL_STREAM"] = "8:12345";
        var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("could not start the probe");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                stdout.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]);
        Assert.True(kill.WaitForExit(Deadline));
        Assert.Equal(0, kill.ExitCode);
    }
}
