using EdgeSync.Agent.Config;
using EdgeSync.Agent.Gpio;
using EdgeSync.Agent.Hosting;
using EdgeSync.Agent.Replication;
using EdgeSync.Core.Clocks;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeSync.Agent.Emulation;

/// <summary>
/// One full agent inside the emulator: its own data directory (LiteDB file), HTTP API, virtual
/// LEDs and fleet runtime, built by <see cref="AgentHost.Build"/> exactly as <c>edgesync run</c>
/// builds it, and talking to the broker only through its <see cref="Cable"/>.
/// </summary>
public sealed class EmulatedNode : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private volatile Parts? _parts;
    private NodeSnapshot _last;

    public EmulatedNode(int index, AgentConfig config, Cable cable)
    {
        Index = index;
        Config = config;
        Cable = cable;
        _last = new NodeSnapshot(Id, index, ApiPort, false, false, "down", null, 0, "-", 0, VersionVector.Empty, 0, null, null);
    }

    public int Index { get; }

    public string Id => Config.Node.Id;

    public AgentConfig Config { get; }

    public Cable Cable { get; }

    public int ApiPort => Config.Api.Endpoint.Port;

    public bool Running => _parts is not null;

    public FleetRuntime? Fleet => _parts?.Fleet;

    /// <summary>Starts the agent; returns the live keys it found on disk, before any replication.</summary>
    public async Task<long> StartAsync(CancellationToken cancel)
    {
        await _lifecycle.WaitAsync(cancel);
        try
        {
            if (_parts is not null)
            {
                return _parts.Store.Service.Read(r => r.LiveKeys);
            }

            Directory.CreateDirectory(Config.Node.DataDir);
            var log = new NodeLogFile(Path.Combine(Config.Node.DataDir, "agent.log"));
            AgentStore? store = null;
            WebApplication? app = null;
            try
            {
                store = new AgentStore(Config, TimeProvider.System);
                var onDisk = store.Service.Read(r => r.LiveKeys);
                app = AgentHost.Build(Config, store, log);
                await app.StartAsync(cancel);
                _parts = new Parts(app, store, log, app.Services.GetRequiredService<FleetRuntime>(), app.Services.GetRequiredService<LedService>());
                return onDisk;
            }
            catch
            {
                if (app is not null)
                {
                    await app.DisposeAsync();
                }

                store?.Dispose();
                log.Dispose();
                throw;
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Stops the agent. <paramref name="abrupt"/> plays a crash: its connections are reset
    /// first, so the broker publishes its last will and nothing it says while stopping gets out.
    /// Acknowledged writes are durable either way, so the data survives a restart.
    /// </summary>
    public async Task StopAsync(bool abrupt)
    {
        await _lifecycle.WaitAsync();
        try
        {
            var parts = _parts;
            if (parts is null)
            {
                return;
            }

            _last = Snapshot() with { Running = false, Role = "down", Partition = "-", Leader = null, Leds = null, OldestPeerSeenMs = null };
            _parts = null;
            var wasPulled = Cable.IsPulled;
            if (abrupt)
            {
                Cable.Pull();
                Cable.Cut();
            }

            using (var timeout = new CancellationTokenSource(StopTimeout))
            {
                try
                {
                    await parts.App.StopAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    // Past the deadline: dispose anyway.
                }
            }

            await parts.App.DisposeAsync();
            parts.Store.Dispose();
            parts.Log.Dispose();
            if (abrupt)
            {
                Cable.Cut();
                if (!wasPulled)
                {
                    Cable.Plug();
                }
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public NodeSnapshot Snapshot()
    {
        var parts = _parts;
        if (parts is null)
        {
            return _last with { CablePulled = Cable.IsPulled };
        }

        try
        {
            var (keys, vector, root) = parts.Store.Service.Read(r => (r.LiveKeys, r.Applied.ToBaseVector(), r.Tree.Root));
            var fleet = parts.Fleet;
            var leader = fleet.Leader;
            var peers = fleet.Peers;
            return new NodeSnapshot(
                Id,
                Index,
                ApiPort,
                true,
                Cable.IsPulled,
                leader.Role,
                leader.Leader,
                leader.Term,
                fleet.Partition,
                keys,
                vector,
                root,
                LedsView.From(parts.Leds),
                peers.Count == 0 ? 0 : peers.Max(p => p.LastSeenMs ?? long.MaxValue))
            {
                ActivityFlashes = parts.Leds.Virtual?.SwitchOns(Core.Leds.Led.Activity) ?? 0,
            };
        }
        catch (ObjectDisposedException)
        {
            return _last;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(abrupt: false);
        _lifecycle.Dispose();
    }

    private sealed record Parts(WebApplication App, AgentStore Store, NodeLogFile Log, FleetRuntime Fleet, LedService Leds);
}
