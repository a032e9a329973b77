using System.Globalization;
using EdgeSync.Agent.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeSync.Agent.Hosting;

/// <summary>
/// Sends WATCHDOG=1 every WATCHDOG_USEC/2 while the store's writer thread still turns over: each
/// beat is a round trip through the group-commit writer, so a hung writer stops the beats and
/// systemd restarts the agent. UseSystemd() does not do this by itself.
/// </summary>
public sealed class SystemdWatchdog(ReplicaService store, ILogger<SystemdWatchdog> log, IServiceProvider services) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var notifier = services.GetService<ISystemdNotifier>();
        var usec = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        if (notifier is not { IsEnabled: true } || !long.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var micros) || micros <= 0)
        {
            return;
        }

        var period = TimeSpan.FromMicroseconds(micros / 2.0);
        using var timer = new PeriodicTimer(period);
        do
        {
            try
            {
                await store.WriteAsync(_ => 0).WaitAsync(period, stoppingToken);
                notifier.Notify(new ServiceState("WATCHDOG=1"));
            }
            catch (TimeoutException)
            {
                log.LogWarning("The store writer did not answer within {Period}; withholding the watchdog beat", period);
            }
            catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
            {
                log.LogError("The store is not accepting writes; withholding the watchdog beat ({Message})", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
