using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeSync.Agent.Mqtt;

/// <summary>
/// One node's link to the fleet broker: connects (failing over between <c>Mqtt:Brokers</c>, MQTT 5 then
/// 3.1.1), keeps the link honest with its own probe through the broker, reconnects with jittered backoff,
/// and moves opaque payloads. Received messages go to <see cref="Inbox"/>; publishing never waits for a
/// reconnect — it returns false at once when the link is down (push is best effort, anti-entropy repairs).
/// </summary>
public sealed class MqttFleetConnection : IAsyncDisposable
{
    private readonly MqttFleetOptions _options;
    private readonly TimeProvider _time;
    private readonly ReconnectBackoff _backoff;
    private readonly ILogger _log;
    private readonly Channel<FleetMessage> _inbox;
    private readonly MqttClientFactory _factory = new();
    private readonly Dictionary<BrokerEndpoint, MqttProtocolVersion> _versions = [];
    private readonly InboundFilter _inbound;
    private readonly LinkSupervisor _supervisor;
    private readonly CancellationTokenSource _stop = new();
    private volatile IMqttClient? _client;
    private Task? _loop;
    private int _brokerIndex;
    private string? _lastConnectError;

    public MqttFleetConnection(MqttFleetOptions options, TimeProvider time, Random random, ILogger? logger = null)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        _options = options;
        _time = time;
        _backoff = new ReconnectBackoff(options.ReconnectMinDelay, options.ReconnectMaxDelay, random);
        _log = logger ?? NullLogger.Instance;
        Topics = new TopicScheme(options.Fleet);
        _inbox = Channel.CreateBounded<FleetMessage>(new BoundedChannelOptions(options.InboxCapacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
            // The reader waiting on an empty inbox runs on the receiving thread: a hand-off to a
            // pool thread per message costs more than the dispatch itself, which only decodes and queues.
            AllowSynchronousContinuations = true,
        });
        _supervisor = new LinkSupervisor(options, time, Stats, Topics.Probe(options.NodeId), _log);
        _inbound = new InboundFilter(Topics, options.NodeId, options.MaxPayloadBytes, Stats, _inbox.Writer, _supervisor.ProbeEchoed, _supervisor.Inbound);
    }

    public TopicScheme Topics { get; }
    public string NodeId => _options.NodeId;
    public MqttTransportStats Stats { get; } = new();

    /// <summary>Everything received for this node, in broker order per publisher. Read by one consumer.</summary>
    public ChannelReader<FleetMessage> Inbox => _inbox.Reader;

    /// <summary>False while the broker is unreachable: the node's partition state is then <c>isolated</c>.</summary>
    public bool IsConnected => _client is { IsConnected: true };

    /// <summary>The broker of the current (or last) connection.</summary>
    public BrokerEndpoint? CurrentBroker { get; private set; }

    /// <summary>MQTT version spoken on the current (or last) connection.</summary>
    public MqttProtocolVersion? CurrentProtocol { get; private set; }

    /// <summary>Raised on the connection loop after each (re)connect, once subscribed and online. Keep handlers short.</summary>
    public event EventHandler<BrokerEndpoint>? Connected;

    /// <summary>Raised on the connection loop when a connection ends, with the reason. Keep handlers short.</summary>
    public event EventHandler<string>? Disconnected;

    /// <summary>Starts the connect/supervise loop in the background; returns at once.</summary>
    public void Start()
    {
        if (_loop is not null)
            throw new InvalidOperationException("The connection was already started.");
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Says "offline" (retained), disconnects cleanly (no last will) and ends the loop.</summary>
    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
            await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
            await _loop.ConfigureAwait(false);
        _inbox.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>QoS 1 broadcast of a fresh write on <c>push/{self}</c>. The caller keeps the buffer unchanged until this completes.</summary>
    public Task<bool> PublishPushAsync(ReadOnlyMemory<byte> payload, CancellationToken ct = default) =>
        PublishAsync(FleetChannel.Push, Topics.Push(NodeId), payload, MqttQualityOfServiceLevel.AtLeastOnce, false, ct);

    /// <summary>QoS 1 message to one node on <c>to/{target}/{kind}/{self}</c>.</summary>
    public Task<bool> SendDirectAsync(string target, string kind, ReadOnlyMemory<byte> payload, CancellationToken ct = default) =>
        PublishAsync(FleetChannel.Direct, Topics.Direct(target, kind, NodeId), payload, MqttQualityOfServiceLevel.AtLeastOnce, false, ct);

    /// <summary>QoS 0 heartbeat on <c>heartbeat/{self}</c>: a lost one is replaced by the next.</summary>
    public Task<bool> PublishHeartbeatAsync(ReadOnlyMemory<byte> payload, CancellationToken ct = default) =>
        PublishAsync(FleetChannel.Heartbeat, Topics.Heartbeat(NodeId), payload, MqttQualityOfServiceLevel.AtMostOnce, false, ct);

    /// <summary>QoS 1 broadcast election traffic on <c>election/{self}</c>.</summary>
    public Task<bool> PublishElectionAsync(ReadOnlyMemory<byte> payload, CancellationToken ct = default) =>
        PublishAsync(FleetChannel.Election, Topics.Election(NodeId), payload, MqttQualityOfServiceLevel.AtLeastOnce, false, ct);

    /// <summary>Retained tombstone-GC watermark on <c>stable</c>.</summary>
    public Task<bool> PublishStableAsync(ReadOnlyMemory<byte> payload, CancellationToken ct = default) =>
        PublishAsync(FleetChannel.Stable, Topics.Stable, payload, MqttQualityOfServiceLevel.AtLeastOnce, true, ct);

    private async Task<bool> PublishAsync(FleetChannel channel, string topic, ReadOnlyMemory<byte> payload, MqttQualityOfServiceLevel qos, bool retain, CancellationToken ct)
    {
        if (payload.Length > _options.MaxPayloadBytes)
        {
            Stats.Drop(DropReason.OutgoingOversized);
            return false;
        }

        var client = _client;
        if (client is not { IsConnected: true })
        {
            Stats.Drop(DropReason.NotConnected);
            return false;
        }

        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayloadSegment(payload)
            .WithQualityOfServiceLevel(qos).WithRetainFlag(retain).Build();
        using var timeout = new CancellationTokenSource(_options.PublishTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            var result = await client.PublishAsync(message, linked.Token).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                Stats.Drop(DropReason.PublishFailed);
                return false;
            }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            // Timed out, or the link died under us: the reconnect loop will notice; the caller moves on.
            Stats.Drop(DropReason.PublishFailed);
            return false;
        }

        Stats.Sent(channel, payload.Length);
        return true;
    }

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Link? link = null;
            string reason = "stopped";
            try
            {
                link = await ConnectAnyAsync(ct).ConfigureAwait(false);
                _client = link.Client;
                Stats.Connected();
                _log.LogInformation("MQTT connected to {Broker} (MQTT {Version})", CurrentBroker, CurrentProtocol);
                Raise(Connected, link.Broker);
                // Only a link that carried traffic resets the backoff, so a flapping one still backs off.
                reason = await _supervisor.SuperviseAsync(link.Client, link.Lost, _backoff.Reset, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                reason = "stopped";
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A bug here must not end the loop for good: the node would stay isolated forever.
                reason = $"internal error: {ex.Message}";
                _log.LogError(ex, "MQTT connection loop failed; reconnecting");
            }
            finally
            {
                if (link is not null)
                {
                    _client = null;
                    Stats.Disconnected();
                    _log.Log(ct.IsCancellationRequested ? LogLevel.Information : LogLevel.Warning, "MQTT connection to {Broker} ended: {Reason}", link.Broker, reason);
                    await TearDownAsync(link, graceful: ct.IsCancellationRequested).ConfigureAwait(false);
                    Raise(Disconnected, reason);
                }
            }
        }
    }

    /// <summary>Tries each broker once, starting from the last good one, then backs off; until connected or stopped.</summary>
    private async Task<Link> ConnectAnyAsync(CancellationToken ct)
    {
        var brokers = _options.Brokers;
        while (true)
        {
            for (var i = 0; i < brokers.Count; i++)
            {
                var index = (_brokerIndex + i) % brokers.Count;
                try
                {
                    var link = await ConnectOnceAsync(brokers[index], ct).ConfigureAwait(false);
                    _brokerIndex = index;
                    _lastConnectError = null;
                    return link;
                }
                catch (Exception ex) when (!ct.IsCancellationRequested && ex is not OutOfMemoryException)
                {
                    Stats.ConnectFailed();
                    // Say it once as a warning (bad password, untrusted certificate...), then quietly while it repeats.
                    var level = ex.Message == _lastConnectError ? LogLevel.Debug : LogLevel.Warning;
                    _lastConnectError = ex.Message;
                    _log.Log(level, "MQTT connect to {Broker} failed: {Error}", brokers[index], ex.Message);
                }
            }

            await Task.Delay(_backoff.Next(), _time, ct).ConfigureAwait(false);
        }
    }

    private async Task<Link> ConnectOnceAsync(BrokerEndpoint broker, CancellationToken ct)
    {
        var version = _versions.GetValueOrDefault(broker, MqttProtocolVersion.V500);
        while (true)
        {
            var client = _factory.CreateMqttClient();
            var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            client.DisconnectedAsync += e =>
            {
                lost.TrySetResult(e.Exception is null ? $"disconnected ({e.Reason})" : $"disconnected ({e.Reason}: {e.Exception.Message})");
                return Task.CompletedTask;
            };
            client.ApplicationMessageReceivedAsync += _inbound.HandleAsync;
            try
            {
                using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
                var options = MqttClientOptionsFactory.Build(_options, Topics, broker, version);
                var result = await client.ConnectAsync(options, linked.Token).ConfigureAwait(false);
                if (result.ResultCode == MqttClientConnectResultCode.UnsupportedProtocolVersion && version == MqttProtocolVersion.V500)
                {
                    client.Dispose();
                    Stats.FellBack();
                    _versions[broker] = version = MqttProtocolVersion.V311;
                    continue;
                }

                if (result.ResultCode != MqttClientConnectResultCode.Success)
                    throw new InvalidOperationException($"broker {broker} refused the connection: {result.ResultCode} {result.ReasonString}");
                _log.LogDebug("MQTT CONNACK from {Broker}: session present {Present}", broker, result.IsSessionPresent);
                // Subscribe even when the session is present: a session can outlive an attempt that failed
                // before its SUBSCRIBE (seen with the embedded broker), and subscribing again is idempotent.
                var subscribed = await client.SubscribeAsync(MqttClientOptionsFactory.Subscriptions(Topics, NodeId, version), linked.Token).ConfigureAwait(false);
                var refused = subscribed.Items.FirstOrDefault(item => (int)item.ResultCode > 2);
                if (refused is not null)
                    throw new InvalidOperationException($"broker {broker} refused subscription {refused.TopicFilter.Topic}: {refused.ResultCode}");

                var online = PresenceMessage(online: true);
                await client.PublishAsync(online, linked.Token).ConfigureAwait(false);
                Stats.Sent(FleetChannel.Presence, (int)online.Payload.Length);
                CurrentBroker = broker;
                CurrentProtocol = version;
                return new Link(client, broker, lost.Task);
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }
    }

    private async Task TearDownAsync(Link link, bool graceful)
    {
        if (graceful && link.Client.IsConnected)
        {
            try
            {
                using var timeout = new CancellationTokenSource(_options.PublishTimeout, _time);
                await link.Client.PublishAsync(PresenceMessage(online: false), timeout.Token).ConfigureAwait(false);
                await link.Client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _log.LogDebug("MQTT graceful disconnect failed: {Error}", ex.Message);
            }
        }

        // Otherwise just drop the socket: the broker then publishes our last will ("offline").
        link.Client.Dispose();
    }

    private MqttApplicationMessage PresenceMessage(bool online) =>
        new MqttApplicationMessageBuilder().WithTopic(Topics.Presence(NodeId))
            .WithPayload(PresenceInfo.Of(NodeId, online).ToJson())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(true).Build();

    private void Raise<T>(EventHandler<T>? handler, T value)
    {
        try
        {
            handler?.Invoke(this, value);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _log.LogError(ex, "MQTT connection event handler failed");
        }
    }

    private sealed record Link(IMqttClient Client, BrokerEndpoint Broker, Task<string> Lost);
}
