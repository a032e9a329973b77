using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeSync.Agent.Systemd;

/// <summary>
/// One call that wires the agent to systemd. Used instead of <c>UseSystemd()</c>: that one only
/// activates when the parent process is systemd and never pings the watchdog, while this works
/// whenever NOTIFY_SOCKET is set (so tests can play systemd) and is a no-op otherwise.
/// </summary>
public static class SystemdHostingExtensions
{
    /// <summary>Set by systemd when stdout/stderr go to the journal (systemd.exec(5)).</summary>
    public const string JournalStreamVariable = "JOURNAL_STREAM";

    /// <summary>
    /// Registers <see cref="SystemdNotifier"/>, <see cref="SystemdWatchdog"/> (inject it into the
    /// main loop and call Tick) and <see cref="SystemdLifecycleService"/> (READY/STOPPING).
    /// Call after registering the hosted services that must be running before READY=1.
    /// </summary>
    public static IServiceCollection AddEdgeSyncSystemd(this IServiceCollection services, SystemdNotifier? notifier = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        if (notifier is null)
        {
            services.TryAddSingleton(_ => SystemdNotifier.FromEnvironment());
        }
        else
        {
            services.TryAddSingleton(notifier);
        }

        services.TryAddSingleton(sp => SystemdWatchdog.FromEnvironment(
            sp.GetRequiredService<SystemdNotifier>(), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<SystemdLifecycleService>();
        return services;
    }

    /// <summary>
    /// Under systemd, log lines with the syslog priority prefix (<c>&lt;6&gt;</c>) that journald
    /// turns into levels, no colours and no timestamps (journald adds its own); elsewhere keep
    /// the default console format.
    /// </summary>
    public static ILoggingBuilder AddJournaldConsoleWhenUnderSystemd(this ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(JournalStreamVariable)))
        {
            logging.ClearProviders();
            logging.AddSystemdConsole(o => o.UseUtcTimestamp = true);
        }

        return logging;
    }

}
