using System.Globalization;

namespace EdgeSync.Agent.Systemd;

/// <summary>
/// The agent's side of <c>WatchdogSec=</c>. It has no timer of its own: the main loop calls
/// <see cref="Tick"/> on every iteration and the WATCHDOG=1 datagram is sent from that call when
/// half the timeout has passed since the last one. A blocked or dead main loop therefore stops
/// the pings by construction, and systemd restarts the agent within 1.5 × the timeout.
/// The loop must iterate at least every <see cref="MaxTickInterval"/> even when idle.
/// </summary>
public sealed class SystemdWatchdog
{
    public const string TimeoutVariable = "WATCHDOG_USEC";
    public const string PidVariable = "WATCHDOG_PID";

    private readonly SystemdNotifier _notifier;
    private readonly TimeProvider _time;
    private readonly long _periodTicks;
    private long _lastSent = long.MinValue;
    private long _sent;

    /// <param name="timeout">WatchdogSec as systemd passed it; null disables the watchdog.</param>
    public SystemdWatchdog(SystemdNotifier notifier, TimeSpan? timeout, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(notifier);
        ArgumentNullException.ThrowIfNull(time);
        _notifier = notifier;
        _time = time;
        Timeout = timeout is { Ticks: > 0 } t && notifier.IsEnabled ? t : null;
        if (Timeout is { } enabled)
        {
            _periodTicks = (long)(enabled.TotalSeconds / 2 * time.TimestampFrequency);
        }
    }

    public bool IsEnabled => Timeout is not null;

    /// <summary>The watchdog timeout systemd enforces, or null when there is none.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>How often WATCHDOG=1 goes out while the loop is healthy (half the timeout, as sd_watchdog_enabled(3) advises).</summary>
    public TimeSpan? SendPeriod => Timeout / 2;

    /// <summary>The longest the main loop may go between ticks without risking a restart.</summary>
    public TimeSpan? MaxTickInterval => Timeout / 4;

    /// <summary>Why WATCHDOG_USEC was set but not usable, or null.</summary>
    public string? Problem { get; init; }

    /// <summary>WATCHDOG=1 datagrams sent so far.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>
    /// Call from the main loop, once per iteration. Cheap when nothing is due (one clock read).
    /// Thread-safe: concurrent ticks send at most one datagram per period. Returns true if it sent.
    /// </summary>
    public bool Tick()
    {
        if (Timeout is null)
        {
            return false;
        }

        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastSent);
        if (last != long.MinValue && now - last < _periodTicks)
        {
            return false;
        }

        if (Interlocked.CompareExchange(ref _lastSent, now, last) != last)
        {
            return false;
        }

        if (!_notifier.NotifyWatchdog())
        {
            // Queue full or socket missing: let the next tick try again rather than wait a period.
            Interlocked.CompareExchange(ref _lastSent, last, now);
            return false;
        }

        Interlocked.Increment(ref _sent);
        return true;
    }

    /// <summary>The watchdog systemd asked this process for through its environment.</summary>
    public static SystemdWatchdog FromEnvironment(SystemdNotifier notifier, TimeProvider time)
    {
        var timeout = ReadTimeout(Environment.GetEnvironmentVariable, Environment.ProcessId, out var problem);
        return new SystemdWatchdog(notifier, timeout, time) { Problem = problem };
    }

    /// <summary>
    /// Reads WATCHDOG_USEC (and WATCHDOG_PID, which names the process the pings are expected
    /// from) as sd_watchdog_enabled(3) does. Null when unset, meant for another process, or not
    /// a positive number of microseconds (then <paramref name="problem"/> says why).
    /// </summary>
    public static TimeSpan? ReadTimeout(Func<string, string?> getEnvironment, int processId, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(getEnvironment);
        problem = null;
        var usec = getEnvironment(TimeoutVariable);
        if (string.IsNullOrEmpty(usec))
        {
            return null;
        }

        if (!ulong.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var micros) || micros == 0
            || micros > (ulong)TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerMicrosecond)
        {
            problem = $"{TimeoutVariable} '{usec}' is not a positive number of microseconds";
            return null;
        }

        var pid = getEnvironment(PidVariable);
        if (!string.IsNullOrEmpty(pid))
        {
            if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var expected))
            {
                problem = $"{PidVariable} '{pid}' is not a process id";
                return null;
            }

            if (expected != processId)
            {
                return null;
            }
        }

        return TimeSpan.FromMicroseconds((long)micros);
    }
}
