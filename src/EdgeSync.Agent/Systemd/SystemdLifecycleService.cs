using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeSync.Agent.Systemd;

/// <summary>
/// Tells systemd READY=1 when the host has started — <c>ApplicationStarted</c> fires only after
/// every hosted service's StartAsync returned, Kestrel's included, so the API already accepts
/// connections — and STOPPING=1 as soon as a stop begins (SIGTERM from <c>systemctl stop</c>).
/// Register it after the services that must be up before READY (store, API).
/// </summary>
public sealed partial class SystemdLifecycleService : IHostedService, IDisposable
{
    private readonly SystemdNotifier _notifier;
    private readonly SystemdWatchdog _watchdog;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly IServiceProvider _services;
    private readonly ILogger<SystemdLifecycleService> _logger;
    private readonly List<CancellationTokenRegistration> _registrations = [];

    public SystemdLifecycleService(
        SystemdNotifier notifier,
        SystemdWatchdog watchdog,
        IHostApplicationLifetime lifetime,
        IServiceProvider services,
        ILogger<SystemdLifecycleService> logger)
    {
        _notifier = notifier;
        _watchdog = watchdog;
        _lifetime = lifetime;
        _services = services;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_notifier.Problem is { } problem)
        {
            LogUnusable(problem);
        }

        if (_watchdog.Problem is { } watchdogProblem)
        {
            LogUnusable(watchdogProblem);
        }

        if (!_notifier.IsEnabled)
        {
            return Task.CompletedTask;
        }

        LogEnabled(_notifier.Address!, _watchdog.SendPeriod?.TotalSeconds ?? 0);
        _registrations.Add(_lifetime.ApplicationStarted.Register(OnStarted));
        _registrations.Add(_lifetime.ApplicationStopping.Register(OnStopping));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private void OnStarted()
    {
        _notifier.NotifyReady(ServingStatus());
    }

    private void OnStopping() => _notifier.NotifyStopping("stopping");

    private string ServingStatus()
    {
        var addresses = (_services.GetService(typeof(IServer)) as IServer)?
            .Features.Get<IServerAddressesFeature>()?.Addresses;
        return addresses is { Count: > 0 } ? "serving on " + string.Join(", ", addresses) : "serving";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "systemd notifications are off: {Problem}")]
    private partial void LogUnusable(string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "systemd notify socket {Socket}; watchdog ping every {PeriodSeconds} s (0 = no watchdog)")]
    private partial void LogEnabled(string socket, double periodSeconds);
}
