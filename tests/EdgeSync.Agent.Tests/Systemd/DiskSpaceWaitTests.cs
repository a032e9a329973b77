using EdgeSync.Agent.Hosting;
using EdgeSync.Agent.Systemd;
using EdgeSync.Agent.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace EdgeSync.Agent.Tests.Systemd;

/// <summary>
/// A start on a full disk under systemd tries again for up to a minute (so five starts never fall
/// inside the unit's two-minute start limit); by hand, or for any other error, it fails at once.
/// </summary>
public sealed class DiskSpaceWaitTests
{
    private static IOException DiskFull() => new("No space left on device : '/var/lib/edgesync/replica.db'", 28);

    [Fact]
    public async Task Under_systemd_a_full_disk_is_tried_again_until_there_is_room()
    {
        using var systemd = NotifySocketListener.InTempDirectory();
        using var notifier = new SystemdNotifier(systemd.Address);
        var time = new ArmedClock();
        var say = new StringWriter();
        var attempts = 0;
        var open = DiskSpaceWait.OpenAsync(() => ++attempts < 3 ? throw DiskFull() : "opened", notifier, say, time, CancellationToken.None);

        await time.RunAsync(open);
        Assert.Equal("opened", await open);
        Assert.Equal(3, attempts);
        var line = Assert.Single(say.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("edgesync: waiting for disk space: No space left on device", line, StringComparison.Ordinal);
        var status = systemd.WaitFor(m => m.StartsWith("STATUS=", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        Assert.Contains("waiting for disk space", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disk_that_stays_full_fails_the_start_after_a_minute()
    {
        using var systemd = NotifySocketListener.InTempDirectory();
        using var notifier = new SystemdNotifier(systemd.Address);
        var time = new ArmedClock();
        var attempts = 0;
        var open = DiskSpaceWait.OpenAsync<string>(() => { attempts++; throw DiskFull(); }, notifier, TextWriter.Null, time, CancellationToken.None);

        await time.RunAsync(open);
        var e = await Assert.ThrowsAsync<IOException>(() => open);
        Assert.Equal(28, e.HResult);
        Assert.Equal(13, attempts); // at 0, 5, ..., 60 s
    }

    [Fact]
    public async Task By_hand_or_for_another_error_a_start_fails_at_once()
    {
        using var systemd = NotifySocketListener.InTempDirectory();
        using var underSystemd = new SystemdNotifier(systemd.Address);
        using var byHand = new SystemdNotifier(null);
        var say = new StringWriter();
        var time = new FakeTimeProvider();

        await Assert.ThrowsAsync<IOException>(() => DiskSpaceWait.OpenAsync<string>(() => throw DiskFull(), byHand, say, time, CancellationToken.None));
        var denied = await Assert.ThrowsAsync<IOException>(() => DiskSpaceWait.OpenAsync<string>(() => throw new IOException("Permission denied", 13), underSystemd, say, time, CancellationToken.None));
        Assert.Equal(13, denied.HResult);
        Assert.Equal(string.Empty, say.ToString());
    }

    [Fact]
    public async Task Stopping_during_the_wait_ends_it()
    {
        using var systemd = NotifySocketListener.InTempDirectory();
        using var notifier = new SystemdNotifier(systemd.Address);
        using var stop = new CancellationTokenSource();
        var open = DiskSpaceWait.OpenAsync<string>(() => throw DiskFull(), notifier, TextWriter.Null, new FakeTimeProvider(), stop.Token);
        Assert.False(open.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => open);
    }

    /// <summary>
    /// A fake clock that knows when a wait is armed, so a test moves time only between an attempt and
    /// the next: every attempt then happens at an exact multiple of the retry interval.
    /// </summary>
    private sealed class ArmedClock : FakeTimeProvider
    {
        private int _timers;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _timers);
            return timer;
        }

        public async Task RunAsync(Task task)
        {
            var armed = 0;
            while (true)
            {
                await Eventually.TrueAsync(() => task.IsCompleted || Volatile.Read(ref _timers) != armed, "the wait finishes or arms its next retry", TimeSpan.FromSeconds(10));
                if (task.IsCompleted)
                {
                    return;
                }

                armed = Volatile.Read(ref _timers);
                Advance(DiskSpaceWait.Retry);
            }
        }
    }
}
