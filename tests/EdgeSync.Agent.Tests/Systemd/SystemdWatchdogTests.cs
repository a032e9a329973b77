using EdgeSync.Agent.Systemd;
using Microsoft.Extensions.Time.Testing;

namespace EdgeSync.Agent.Tests.Systemd;

/// <summary>Cadence on a fake clock: Tick sends synchronously, so what was sent is already queued.</summary>
public sealed class SystemdWatchdogTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    [Fact]
    public void Sends_on_the_first_tick_then_every_half_timeout_while_ticking()
    {
        using var systemd = NotifySocketListener.InTempDirectory();
        using var notifier = new SystemdNotifier(systemd.Address);
        var time = new FakeTimeProvider();
        var watchdog = new SystemdWatchdog(notifier, TimeSpan.FromSeconds(10), time);

        var sentAt = new List<TimeSpan>();
        for (var second = 0; second <= 60; second++)
        {
            if (watchdog.Tick())
            {
                sentAt.Add(TimeSpan.FromSeconds(second));
                Assert.Equal("WATCHDOG=1", systemd.WaitFor(_ => true, Deadline).Message);
            }

            Assert.Null(systemd.Receive(TimeSpan.Zero)); // a tick that is not due sends nothing
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(Enumerable.Range(0, 13).Select(i => TimeSpan.FromSeconds(i * 5)), sentAt);
        Assert.Equal(13, watchdog.Sent);
    }

    [Fact]
    public void Time_passing_without_ticks_sends_nothing()
    {
        using var systemd = NotifySocketListener.InTempDirectory();
        using var notifier = new SystemdNotifier(systemd.Address);
        var time = new FakeTimeProvider();
        var watchdog = new SystemdWatchdog(notifier, TimeSpan.FromSeconds(10), time);

        Assert.True(watchdog.Tick());
        Assert.Equal("WATCHDOG=1", systemd.WaitFor(_ => true, Deadline).Message);
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Null(systemd.Receive(TimeSpan.Zero));
        Assert.True(watchdog.Tick());
        Assert.Equal(2, watchdog.Sent);
    }

    [Fact]
    public void A_ping_that_could_not_be_sent_is_retried_on_the_next_tick()
    {
        var directory = Path.Combine(Path.GetTempPath(), "edgesync-late-" + Guid.NewGuid().ToString("N")[..8]);
        using var notifier = new SystemdNotifier(Path.Combine(directory, "notify.sock"));
        var time = new FakeTimeProvider();
        var watchdog = new SystemdWatchdog(notifier, TimeSpan.FromSeconds(10), time);

        Assert.False(watchdog.Tick()); // nobody listening yet
        Directory.CreateDirectory(directory);
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(Path.Combine(directory, "notify.sock")));
        time.Advance(TimeSpan.FromSeconds(1));

        try
        {
            Assert.True(watchdog.Tick()); // not a whole period later, but the last one never went out
            Assert.Equal(1, watchdog.Sent);
        }
        finally
        {
            socket.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Reports_its_periods()
    {
        using var notifier = new SystemdNotifier("/run/systemd/notify");
        var watchdog = new SystemdWatchdog(notifier, TimeSpan.FromSeconds(30), new FakeTimeProvider());

        Assert.True(watchdog.IsEnabled);
        Assert.Equal(TimeSpan.FromSeconds(15), watchdog.SendPeriod);
        Assert.Equal(TimeSpan.FromSeconds(7.5), watchdog.MaxTickInterval);
    }

    [Fact]
    public void Is_off_without_a_notify_socket_or_without_a_timeout()
    {
        using var none = new SystemdNotifier(null);
        using var some = new SystemdNotifier("/run/systemd/notify");

        Assert.False(new SystemdWatchdog(none, TimeSpan.FromSeconds(30), TimeProvider.System).Tick());
        var untimed = new SystemdWatchdog(some, null, TimeProvider.System);
        Assert.False(untimed.IsEnabled);
        Assert.False(untimed.Tick());
        Assert.Null(untimed.SendPeriod);
    }

    [Theory]
    [InlineData("30000000", null, 30.0)]
    [InlineData("500000", "4242", 0.5)]
    public void Reads_watchdog_usec_for_this_process(string usec, string? pid, double seconds)
    {
        var env = new Dictionary<string, string?> { ["WATCHDOG_USEC"] = usec, ["WATCHDOG_PID"] = pid };

        var timeout = SystemdWatchdog.ReadTimeout(k => env.GetValueOrDefault(k), 4242, out var problem);

        Assert.Equal(TimeSpan.FromSeconds(seconds), timeout);
        Assert.Null(problem);
    }

    [Fact]
    public void A_watchdog_meant_for_another_process_is_ignored()
    {
        var env = new Dictionary<string, string?> { ["WATCHDOG_USEC"] = "1000000", ["WATCHDOG_PID"] = "1" };

        Assert.Null(SystemdWatchdog.ReadTimeout(k => env.GetValueOrDefault(k), 4242, out var problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("30s")]
    [InlineData("99999999999999999999999")]
    public void A_bad_watchdog_usec_is_a_problem_not_a_crash(string usec)
    {
        var env = new Dictionary<string, string?> { ["WATCHDOG_USEC"] = usec };

        Assert.Null(SystemdWatchdog.ReadTimeout(k => env.GetValueOrDefault(k), 1, out var problem));
        Assert.Contains(usec, problem, StringComparison.Ordinal);
    }
}
