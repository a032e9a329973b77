using EdgeSync.Agent.Changes;
using EdgeSync.Agent.Config;
using EdgeSync.Agent.Gpio;
using EdgeSync.Agent.Replication;
using EdgeSync.Agent.Systemd;
using EdgeSync.Agent.Http;
using EdgeSync.Agent.Metrics;
using EdgeSync.Agent.Security;
using EdgeSync.Agent.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;

namespace EdgeSync.Agent.Hosting;

/// <summary>
/// <c>edgesync run</c>: the generic host with Kestrel's minimal API, systemd integration and
/// quiet single-line logs. The store is opened before the host and closed after it, so a
/// SIGTERM first drains HTTP requests, then commits the last batch.
/// </summary>
public static class AgentHost
{
    /// <param name="stderr">Where a start that waits for disk space says so (see <see cref="DiskSpaceWait"/>).</param>
    public static async Task RunAsync(AgentConfig config, TextWriter stderr, CancellationToken cancel)
    {
        Exception? failure = null;
        AgentStore opened;
        using (var notifier = SystemdNotifier.FromEnvironment())
        {
            opened = await DiskSpaceWait.OpenAsync(() => new AgentStore(config, TimeProvider.System), notifier, stderr, TimeProvider.System, cancel);
        }

        using (var store = opened)
        {
            await using var app = Build(config, store);
            var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeSync");
            if (config.Store.Engine == StoreSection.LiteDb && !StorageFactory.LiteDbAvailable)
            {
                log.LogWarning("The LiteDB engine is not built in yet: data is kept in memory and lost when the agent stops");
            }

            if (store.Storage is LiteDbReplicaStorage { TombstonesMoved: { } moved })
            {
                log.LogInformation("Store upgraded: tombstones are indexed sparsely now ({Moved} moved)", moved);
            }

            // Unusable (the storage's verdict) or too old (the replica's).
            if (((store.Storage as LiteDbReplicaStorage)?.TreeProblem ?? store.Service.Read(r => r.KeptTreeRefused)) is { } treeProblem)
            {
                log.LogInformation("Store opened by reading every record: the Merkle tree file kept at the last stop {Problem}", treeProblem);
            }

            if (store.Recovery.MovedTo is not null)
            {
                log.LogWarning("Store {File} was corrupt ({Error}): {Recovery}", StorageFactory.DatabaseFile, store.CorruptionError, store.Recovery.Message);
            }

            // A store that cannot reach its disk refuses every write, and serving on would leave a
            // node that heartbeats and may lead but applies nothing. Stop instead: the service
            // manager restarts the agent, and reopening the store replays its write-ahead log.
            var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
            store.Service.Failed += e =>
            {
                Volatile.Write(ref failure, e);
                log.LogCritical("The store failed: {Error}; stopping the agent", e.Message);
                // Not on this thread (the writer's, or the flush's): stopping callbacks run synchronously.
                _ = Task.Run(lifetime.StopApplication);
            };

            await app.StartAsync(cancel);
            log.LogInformation(
                "edgesync {Version} node {Node} serving http://{Listen} (store {Engine} in {DataDir}, fleet '{Fleet}' of {Members})",
                AgentVersion.Text, config.Node.Id, config.Api.Listen, config.Store.Engine, config.Node.DataDir, config.Fleet.Name, config.Members.Count);

            // A kept tree skipped the full read that checks every record: check them in the background,
            // once start-up and the first anti-entropy rounds are over.
            var treeCheck = store.Service.Read(r => r.TreeFromSnapshot)
                ? KeptTreeCheck.RunAsync(store.Service, log, KeptTreeCheck.Delay, lifetime.ApplicationStopping)
                : Task.FromResult(true);
            await app.WaitForShutdownAsync(cancel);
            await treeCheck; // ended by the stopping token, before the store closes
            log.LogInformation("edgesync stopping: committing the last batch");
        }

        if (Volatile.Read(ref failure) is { } cause)
        {
            throw new StoreFailedException($"the store failed ({cause.Message}); every acknowledged write is in its write-ahead log and is replayed at the next start", cause);
        }
    }

    /// <param name="logTo">Where logs go instead of the console (the emulator hosts many agents in one terminal).</param>
    public static WebApplication Build(AgentConfig config, AgentStore store, ILoggerProvider? logTo = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });

        // Our configuration is already layered and validated; keep ASP.NET's own sources
        // (appsettings.json, ASPNETCORE_URLS, ...) from changing what we listen on.
        builder.Configuration.Sources.Clear();

        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System", LogLevel.Warning);

        // A failed start (e.g. port in use) is reported by `run` as one line; skip the host's stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        if (config.Logging is { } logging)
        {
            builder.Logging.AddConfiguration(logging);
        }

        if (logTo is not null)
        {
            builder.Logging.AddProvider(logTo);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = false;
                o.TimestampFormat = "HH:mm:ss.fff ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

            // Under systemd (NOTIFY_SOCKET set): READY=1 once serving, STOPPING=1 on stop, WATCHDOG=1
            // from the fleet main loop, journald-style log lines. Our own notifier, not UseSystemd():
            // that one never sends WATCHDOG and only switches on when the parent is systemd.
            builder.Logging.AddJournaldConsoleWhenUnderSystemd();
        }

        // Kestrel runs request continuations and response writes inline instead of posting each to
        // the thread pool: on a 2-4 core board a thread hand-off costs more than the work it moves
        // (fleet benchmark: context switches per write). Safe here: socket completions still arrive
        // on thread-pool threads (inline socket completions stay off), so a handler waiting for the
        // store's gate holds up only its own thread, as before.
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(config.Api.Endpoint);
            k.Limits.MaxRequestBodySize = config.Api.MaxRequestBytes;
        });

        var services = builder.Services;
        services.AddSingleton(config);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(store);
        services.AddSingleton(store.Service);
        services.AddSingleton(store.Recovery);
        services.AddSingleton<RecoveryFence>();
        services.AddHostedService(sp => sp.GetRequiredService<RecoveryFence>());
        services.AddHostedService<Memory.MemoryTrim>();
        services.AddSingleton<FleetRuntime>();
        services.AddSingleton<IClusterView>(sp => sp.GetRequiredService<FleetRuntime>());
        services.AddHostedService(sp => sp.GetRequiredService<FleetRuntime>());
        services.AddSingleton<IConsistencyCoordinator, FleetCoordinator>();
        services.AddSingleton(sp =>
        {
            var fleet = sp.GetRequiredService<FleetRuntime>();
            var leds = new LedService(config.Gpio, fleet.LedInput, TimeProvider.System, sp.GetRequiredService<ILogger<LedService>>())
            {
                OnPress = ButtonCounter.Handler(store.Service, config.Node.Id, () => store.Recovery.Fenced),
                OnLongPress = fleet.RequestStepDownAsync,
            };
            fleet.StatusChanged += leds.Refresh;
            return leds;
        });
        services.AddHostedService(sp => sp.GetRequiredService<LedService>());
        services.AddSingleton<ILedStatus, LedStatus>();
        services.AddSingleton<AppliedSignal>();
        services.AddSingleton(new ChangeNumbers(config.Node.DataDir));
        services.AddSingleton<ChangeFeed>();
        services.AddSingleton<ChangesEndpoint>();
        services.AddSingleton<SessionGate>();
        services.AddSingleton<RequestGate>();
        services.AddSingleton<AgentMetrics>();
        services.AddSingleton(_ => new PrometheusExporter(AgentMetrics.MeterName, PrometheusExporter.RuntimeMeterName));
        services.AddSingleton<FleetDropMetrics>();
        services.AddSingleton<KvEndpoints>();
        services.AddSingleton<BatchEndpoint>();
        services.AddSingleton<ListEndpoint>();
        services.AddSingleton<StatusEndpoints>();
        services.AddSingleton<BackupEndpoints>();
        services.AddEdgeSyncSystemd();

        var app = builder.Build();

        // The exporter must listen before the instruments are created.
        app.Services.GetRequiredService<PrometheusExporter>();
        app.Services.GetRequiredService<FleetDropMetrics>();
        ApiRoutes.Map(app);

        // The writes are durable and answered either way; a missed push is repaired by anti-entropy.
        var listeners = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeSync.Store");
        store.Service.ListenerFailed += e => listeners.LogError(e, "A listener of committed changes failed: {Error}", e.Message);
        return app;
    }
}
