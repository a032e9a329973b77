using EdgeSync.Agent.Systemd;

namespace EdgeSync.Agent.Hosting;

/// <summary>
/// Opening the store on a full disk, under systemd. Replaying the write-ahead log into LiteDB needs
/// room, so such a start fails; systemd restarts the agent two seconds later, and after five failed
/// starts in two minutes (the unit's StartLimitBurst; systemd 252 has no growing backoff) it gives
/// up until someone runs <c>systemctl reset-failed</c>, even once the disk has room again. So under
/// systemd a start that meets a full disk says so (stderr and <c>STATUS=</c>) and tries again every
/// few seconds for up to a minute before it fails: starts are then a minute apart, the limit is
/// never reached, and an unattended Pi comes back by itself once space is freed. Run by hand, a start
/// fails at once with its one line, as before.
/// </summary>
public static class DiskSpaceWait
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan Retry = TimeSpan.FromSeconds(5);

    /// <summary>No space (ENOSPC) or over quota (EDQUOT): the errno .NET puts in HResult on Linux.</summary>
    public static bool IsDiskFull(IOException e) => e.HResult is 28 or 122;

    /// <summary>
    /// <paramref name="open"/>, tried again while it fails for want of disk space and
    /// <paramref name="notifier"/> talks to systemd, until <see cref="Window"/> has passed.
    /// </summary>
    public static async Task<T> OpenAsync<T>(Func<T> open, SystemdNotifier notifier, TextWriter say, TimeProvider time, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(notifier);
        ArgumentNullException.ThrowIfNull(say);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        var said = false;
        while (true)
        {
            try
            {
                return open();
            }
            catch (IOException e) when (IsDiskFull(e) && notifier.IsEnabled && time.GetElapsedTime(started) + Retry <= Window)
            {
                if (!said)
                {
                    said = true;
                    await say.WriteLineAsync($"edgesync: waiting for disk space: {e.Message} (trying again every {Retry.TotalSeconds:0} s for up to {Window.TotalSeconds:0} s)");
                }

                notifier.NotifyStatus($"waiting for disk space: {e.Message}");
                await Task.Delay(Retry, time, cancel);
            }
        }
    }
}
