using System.Collections.Concurrent;
using System.Threading.Channels;
using EdgeSync.Agent.Config;
using EdgeSync.Agent.Hosting;
using EdgeSync.Agent.Mqtt;
using EdgeSync.Agent.Security;
using EdgeSync.Agent.Storage;
using EdgeSync.Agent.Systemd;
using EdgeSync.Core.Clocks;
using EdgeSync.Core.Fleet;
using EdgeSync.Core.Leds;
using EdgeSync.Core.Sync;
using CoreFleetMessage = EdgeSync.Core.Fleet.Messages.FleetMessage;
using PresenceChange = EdgeSync.Core.Fleet.Messages.PresenceChange;
using StepDownRequest = EdgeSync.Core.Fleet.Messages.StepDownRequest;

namespace EdgeSync.Agent.Replication;

/// <summary>
/// One node's part in its fleet: the MQTT connection (and the embedded broker when asked),
/// the sync engine, and membership with leader election. <see cref="FleetNode"/> is
/// single-threaded, so the main loop owns it: it handles queued fleet messages, ticks the
/// failure detector and the election, and beats the LED heartbeat. The loop runs when a message,
/// a command or a broker change arrives and when <see cref="FleetNode.NextDue"/> comes, at least
/// every <see cref="MaxIdle"/>; an idle agent so wakes a few times a second, not forty.
/// </summary>
public sealed class FleetRuntime : IHostedService, IClusterView, IAsyncDisposable
{
    /// <summary>The longest the main loop sleeps: it keeps the loop heartbeat (LEDs, watchdog) and status fresh.</summary>
    public static readonly TimeSpan MaxIdle = TimeSpan.FromMilliseconds(250);

    private readonly Security.StoreRecovery _recovery;
    private readonly AgentConfig _config;
    private readonly ReplicaService _store;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly ConcurrentQueue<CoreFleetMessage> _fleetInbox = new();
    private readonly ConcurrentQueue<Action<FleetNode>> _commands = new();
    private readonly CancellationTokenSource _stop = new();

    // One pending wake-up at most: many signals before the loop runs are one turn.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly HashSet<string> _reachable = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PresenceInfo> _presence = new(StringComparer.Ordinal);
    private EmbeddedBroker? _broker;
    private MqttFleetConnection? _mqtt;
    private MqttSyncTransport? _syncTransport;
    private SyncEngine? _engine;
    private FleetNode? _fleet;
    private Task? _loops;
    private volatile FleetStatus? _status;
    private long _statusAt;
    private long _lastPurgeAt;
    private VersionVector _lastStable = VersionVector.Empty;
    private long _activity;
    private long _malformedFleet;
    private MessageAuthenticator _auth = MessageAuthenticator.None;

    private readonly SystemdWatchdog _watchdog;
    private readonly FleetMetrics _metrics;

    public FleetRuntime(AgentConfig config, ReplicaService store, ILoggerFactory logs, TimeProvider time, SystemdWatchdog watchdog, Security.StoreRecovery recovery)
    {
        _recovery = recovery;
        _watchdog = watchdog;
        _config = config;
        _store = store;
        _time = time;
        _log = logs.CreateLogger("EdgeSync.Fleet");
        Heartbeat = new LoopHeartbeat(time);
        Logs = logs;
        _metrics = new FleetMetrics(this);
    }

    public LoopHeartbeat Heartbeat { get; }

    /// <summary>Raised on the main loop when the role, leader, term or partition state changed (the LEDs show it at once).</summary>
    public event Action? StatusChanged;

    public MqttFleetConnection? Mqtt => _mqtt;

    public SyncEngine? Engine => _engine;

    public MqttSyncTransport? SyncTransport => _syncTransport;

    /// <summary>Replicated updates sent or received (drives the activity LED).</summary>
    public long Activity => Interlocked.Read(ref _activity) + (_engine is { } e ? Interlocked.Read(ref e.Stats.MessagesSent) : 0);

    public long MalformedMessages => MalformedFleetMessages + MalformedSyncMessages;

    /// <summary>Heartbeat, election and directed fleet payloads that did not decode, and directed messages of an unknown kind.</summary>
    public long MalformedFleetMessages => Interlocked.Read(ref _malformedFleet);

    /// <summary>Push and sync payloads that did not decode.</summary>
    public long MalformedSyncMessages => _syncTransport is { } t ? Interlocked.Read(ref t.Malformed) : 0;

    /// <summary>Seals and checks every sync and fleet payload with <c>Fleet:Key</c> (bare when unset).</summary>
    public MessageAuthenticator Authenticator => _auth;

    private ILoggerFactory Logs { get; }

    private bool Solo => _config.Members.Count == 1 && _config.Mqtt.Brokers.Count == 0;

    public LeaderInfo Leader => _status is { } s
        ? new LeaderInfo(s.Leader, s.Term, RoleName(s.Role))
        : Solo ? new LeaderInfo(_config.Node.Id, 1, "leader") : new LeaderInfo(null, 0, "follower");

    public string Partition => _status is { } s ? s.Partition.ToString().ToLowerInvariant() : Solo ? "healthy" : "isolated";

    public IReadOnlyList<PeerInfo> Peers => _status is { } s
        ? [.. s.Peers.Select(p => new PeerInfo(p.Id, p.Reachable, p.LastSeenMs + SinceStatusMs, p.Behind, p.Lag, AgentOf(p.Id)))]
        : [.. _config.Members.Where(m => m != _config.Node.Id).Select(m => new PeerInfo(m, false, null, Agent: AgentOf(m)))];

    public bool BrokerConnected => _mqtt?.IsConnected ?? false;

    // The status is taken when the loop turns, which can be up to MaxIdle ago; silences keep growing meanwhile.
    private long SinceStatusMs => (long)_time.GetElapsedTime(Volatile.Read(ref _statusAt)).TotalMilliseconds;

    public int ReachableMembers => _status is { } s ? 1 + s.Peers.Count(p => p.Reachable) : 1;

    public int Members => _config.Members.Count;

    public PartitionState PartitionState => _status?.Partition ?? (Solo ? PartitionState.Healthy : PartitionState.Isolated);

    public Role Role => _status?.Role ?? (Solo ? Role.Leader : Role.Follower);

    public LedInput LedInput() => new(Role, PartitionState, Activity, Heartbeat.Elapsed);

    /// <summary>Ask the leader (this node or another) to step down; used by the demo button.</summary>
    public Task RequestStepDownAsync()
    {
        _commands.Enqueue(fleet =>
        {
            var leader = fleet.Status().Leader;
            if (leader == _config.Node.Id)
            {
                fleet.Election.StepDown();
            }
            else if (leader is not null && _mqtt is not null)
            {
                new MqttFleetTransport(_mqtt, _auth).Send(leader, new StepDownRequest(_config.Node.Id));
            }
        });
        Wake();
        return Task.CompletedTask;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Solo)
        {
            _loops = Task.Run(() => SoloLoopAsync(_stop.Token), CancellationToken.None);
            return;
        }

        var brokers = new List<BrokerEndpoint>();
        foreach (var url in _config.Mqtt.Brokers)
        {
            if (string.Equals(url, MqttSection.Embedded, StringComparison.OrdinalIgnoreCase))
            {
                _broker = new EmbeddedBroker(_config.Mqtt.EmbeddedPort);
                await _broker.StartAsync();
                _log.LogInformation("Embedded MQTT broker listening on {Endpoint}", _broker.Endpoint);
                brokers.Add(_broker.Endpoint);
            }
            else
            {
                brokers.Add(BrokerEndpoint.Parse(url));
            }
        }

        _auth = new MessageAuthenticator(_config.Fleet.Key, _config.Fleet.Name);
        var random = new Random();
        _mqtt = new MqttFleetConnection(
            new MqttFleetOptions
            {
                Fleet = _config.Fleet.Name,
                NodeId = _config.Node.Id,
                Brokers = brokers,
                Username = _config.Mqtt.Username,
                Password = _config.Mqtt.Password,
                CaFile = _config.Mqtt.CaFile,
                CertFile = _config.Mqtt.CertFile,
                KeyFile = _config.Mqtt.KeyFile,
            },
            _time,
            random,
            Logs.CreateLogger("EdgeSync.Mqtt"));
        _syncTransport = new MqttSyncTransport(_mqtt, _log, _auth);
        var ownsNodeId = _store.Read(r => r.Actor) == _config.Node.Id;
        _engine = new SyncEngine(
            _config.Node.Id,
            _config.Fleet.Name,
            new SyncOptions
            {
                AntiEntropyInterval = _config.Sync.AntiEntropyInterval,
                MaxBytesPerSecond = _config.Sync.MaxBytesPerSecond,
                PurgeTombstones = false, // the leader's stable vector drives purges (SPEC §4)
            },
            _store,
            _syncTransport,
            () => _config.Members,
            _time,
            random)
        {
            // Peers skip updates whose origin is the requester's node id. Only a store whose updates carry
            // that id (one from before actor ids) holds all of them, and not while re-seeded after corruption.
            HoldsOwnUpdates = () => !_recovery.Fenced && ownsNodeId,
        };
        var options = new FleetOptions
        {
            Members = _config.Members,
            HeartbeatInterval = _config.Fleet.HeartbeatInterval,
            ElectionTimeoutMin = _config.Fleet.ElectionTimeoutMin,
            ElectionTimeoutMax = _config.Fleet.ElectionTimeoutMax,
        };
        _fleet = new FleetNode(
            _config.Node.Id,
            options,
            _time,
            random,
            new MqttFleetTransport(_mqtt, _auth),
            new FileElectionStore(_config.Node.DataDir),
            () => _store.Read(r => r.Applied.ToBaseVector()),
            OnStable);
        _mqtt.Connected += (_, endpoint) =>
        {
            _log.LogInformation("Connected to MQTT broker {Endpoint}", endpoint);
            _engine.Reconnected();
            Wake();
        };
        _mqtt.Disconnected += (_, reason) =>
        {
            _log.LogWarning("Lost the MQTT broker: {Reason}", reason);
            Wake();
        };
        _engine.Start();
        _mqtt.Start();
        _loops = Task.WhenAll(
            Task.Run(() => InboxLoopAsync(_mqtt, _stop.Token), CancellationToken.None),
            Task.Run(() => MainLoopAsync(_fleet, _stop.Token), CancellationToken.None));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_loops is not null)
        {
            await _loops.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        }

        _engine?.Dispose();
        if (_mqtt is not null)
        {
            await _mqtt.DisposeAsync();
        }

        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync(CancellationToken.None);
        }

        _stop.Dispose();
        _metrics.Dispose();
    }

    private static string RoleName(Role role) => role.ToString().ToLowerInvariant();

    private string? AgentOf(string peer) => _presence.TryGetValue(peer, out var p) ? p.Agent : null;

    /// <summary>
    /// Keeps what a member announced about itself, and says once per announcement when it speaks
    /// other message formats: their messages are then dropped both ways, counted, and this line says why.
    /// </summary>
    private void Announced(PresenceInfo presence)
    {
        if (!_config.Members.Contains(presence.Node, StringComparer.Ordinal))
        {
            return; // a stranger on the broker gets no room here
        }

        var before = _presence.GetValueOrDefault(presence.Node);
        _presence[presence.Node] = presence;
        if (presence.WireMismatch() is { } mismatch
            && (before is null || before.SyncWire != presence.SyncWire || before.FleetWire != presence.FleetWire))
        {
            _log.LogWarning("Fleet member {Mismatch}", mismatch);
        }
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task SoloLoopAsync(CancellationToken stop)
    {
        // A fleet of one still has a main loop: it proves the writer answers, then beats.
        using var timer = new PeriodicTimer(IdleLimit, _time);
        do
        {
            _store.Read(_ => 0);
            Heartbeat.Beat();
            _watchdog.Tick();
        }
        while (await WaitAsync(timer, stop));
    }

    private async Task InboxLoopAsync(MqttFleetConnection mqtt, CancellationToken stop)
    {
        try
        {
            await foreach (var message in mqtt.Inbox.ReadAllAsync(stop))
            {
                try
                {
                    Dispatch(message);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // One bad message must not end the inbox loop: the node would go deaf for good.
                    Interlocked.Increment(ref _malformedFleet);
                    _log.LogWarning(e, "Dropped a fleet message on {Topic} that failed to dispatch", message.Topic);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void Dispatch(FleetMessage message)
    {
        switch (message.Channel)
        {
            case FleetChannel.Push:
            case FleetChannel.Direct when message.Topic.Kind == MqttSyncTransport.Kind:
                Interlocked.Increment(ref _activity);
                _syncTransport!.Deliver(message.Payload);
                break;
            case FleetChannel.Direct when message.Topic.Kind == MqttFleetTransport.Kind:
            case FleetChannel.Heartbeat:
            case FleetChannel.Election:
            case FleetChannel.Stable:
                if (MqttFleetTransport.TryDecode(_auth, message.Payload, out var decoded, out var authentic))
                {
                    if (message.From is { } sender && sender != decoded!.From)
                    {
                        // The topic names the sender: a payload speaking for another node is not believed.
                        Interlocked.Increment(ref _malformedFleet);
                        break;
                    }

                    _fleetInbox.Enqueue(decoded!);
                    Wake();
                }
                else if (authentic)
                {
                    Interlocked.Increment(ref _malformedFleet);
                }

                break;
            case FleetChannel.Presence when message.From is { } from && PresenceInfo.TryParse(message.Payload.Span, out var presence) && presence is not null:
                Announced(presence);
                _fleetInbox.Enqueue(new PresenceChange(from, presence.Online));
                Wake();
                break;
            case FleetChannel.Direct:
                // A kind this version does not speak: dropped, and counted so a stranger or a newer peer shows up.
                Interlocked.Increment(ref _malformedFleet);
                break;
        }
    }

    private TimeSpan IdleLimit => _watchdog.MaxTickInterval is { } max && max < MaxIdle ? max : MaxIdle;

    private async Task MainLoopAsync(FleetNode fleet, CancellationToken stop)
    {
        using var timer = _time.CreateTimer(_ => Wake(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        try
        {
            while (true)
            {
                var wait = IdleLimit;
                try
                {
                    Turn(fleet);
                    var due = fleet.NextDue();
                    if (due != long.MaxValue)
                    {
                        var untilDue = _time.GetElapsedTime(_time.GetTimestamp(), due);
                        wait = untilDue < wait ? untilDue : wait;
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    _log.LogError(e, "Fleet loop error");
                }

                // A deadline is "now or later"; whole milliseconds, rounded up, so it wakes the loop once.
                timer.Change(TimerDue.For(wait), Timeout.InfiniteTimeSpan);
                await _wake.Reader.ReadAsync(stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Turn(FleetNode fleet)
    {
        while (_commands.TryDequeue(out var command))
        {
            command(fleet);
        }

        while (_fleetInbox.TryDequeue(out var message))
        {
            fleet.Handle(message);
        }

        fleet.SetBrokerConnected(_mqtt!.IsConnected);
        fleet.Tick();
        var status = fleet.Status();
        var before = _status;
        Volatile.Write(ref _statusAt, _time.GetTimestamp());
        _status = status;
        foreach (var peer in status.Peers)
        {
            if (peer.Reachable && _reachable.Add(peer.Id))
            {
                _log.LogInformation("Peer {Peer} is reachable", peer.Id);
                _engine!.PeerHealed(peer.Id);
            }
            else if (!peer.Reachable && _reachable.Remove(peer.Id))
            {
                _log.LogWarning("Peer {Peer} is unreachable", peer.Id);
            }
        }

        var moved = before is not null && (before.Partition != status.Partition || before.Leader != status.Leader || before.Term != status.Term);
        if (moved)
        {
            _log.LogInformation("Fleet: {Partition}, leader {Leader}, term {Term}", status.Partition.ToString().ToLowerInvariant(), status.Leader ?? "none", status.Term);
        }

        if (before is null || moved || before.Role != status.Role)
        {
            StatusChanged?.Invoke();
        }

        Heartbeat.Beat();
        _watchdog.Tick();
    }

    private void OnStable(VersionVector stable, VersionVector frontier)
    {
        // Purging scans the deleted keys; do it when the watermark moved, or now and then.
        var now = _time.GetTimestamp();
        if (stable.Equals(_lastStable) && _time.GetElapsedTime(_lastPurgeAt, now) < TimeSpan.FromSeconds(5))
        {
            return;
        }

        _lastStable = stable;
        _lastPurgeAt = now;
        _ = _store.WriteAsync(r => r.PurgeStable(stable, frontier));
    }
}
