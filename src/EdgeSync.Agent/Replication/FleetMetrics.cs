using System.Diagnostics.Metrics;
using EdgeSync.Agent.Metrics;
using EdgeSync.Agent.Mqtt;

namespace EdgeSync.Agent.Replication;

/// <summary>
/// The fleet's instruments on the agent's meter (exported on <c>/metrics</c> with the rest): MQTT
/// messages and bytes per channel, dropped messages by reason, connection churn, malformed payloads
/// and the sync engine's anti-entropy counters. Everything is read from lock-free counters at scrape time.
/// </summary>
public sealed class FleetMetrics : IDisposable
{
    private readonly Meter _meter = new(AgentMetrics.MeterName);

    public FleetMetrics(FleetRuntime fleet)
    {
        _meter.CreateObservableCounter("edgesync.mqtt.messages.sent", () => PerChannel(fleet, (s, c) => s.SentMessages(c)), description: "MQTT messages published, by channel.");
        _meter.CreateObservableCounter("edgesync.mqtt.messages.received", () => PerChannel(fleet, (s, c) => s.ReceivedMessages(c)), description: "MQTT messages accepted, by channel.");
        _meter.CreateObservableCounter("edgesync.mqtt.bytes.sent", () => PerChannel(fleet, (s, c) => s.SentBytes(c)), description: "MQTT payload bytes published, by channel.");
        _meter.CreateObservableCounter("edgesync.mqtt.bytes.received", () => PerChannel(fleet, (s, c) => s.ReceivedBytes(c)), description: "MQTT payload bytes accepted, by channel.");
        // edgesync.mqtt.dropped (by reason, with unauthenticated) is exported by Security/FleetDropMetrics.
        _meter.CreateObservableCounter("edgesync.mqtt.connects", () => fleet.Mqtt?.Stats.Connects ?? 0, description: "Successful connections to a broker.");
        _meter.CreateObservableCounter("edgesync.mqtt.disconnects", () => fleet.Mqtt?.Stats.Disconnects ?? 0, description: "Broker connections that ended.");
        _meter.CreateObservableGauge("edgesync.mqtt.connected", () => fleet.BrokerConnected ? 1 : 0, description: "1 while the broker connection is up.");
        _meter.CreateObservableCounter("edgesync.messages.malformed", () => Malformed(fleet), description: "Fleet and sync payloads that did not decode (dropped), by kind.");
        _meter.CreateObservableCounter("edgesync.sync.messages.sent", () => Sync(fleet, s => s.MessagesSent), description: "Sync messages sent (pushes and anti-entropy).");
        _meter.CreateObservableCounter("edgesync.sync.bytes.sent", () => Sync(fleet, s => s.BytesSent), description: "Estimated bytes of sync messages sent.");
        _meter.CreateObservableCounter("edgesync.sync.pushes.sent", () => Sync(fleet, s => s.PushesSent), description: "Local writes pushed to the fleet (quorum and all writes go to each peer as replicate requests instead).");
        _meter.CreateObservableCounter("edgesync.sync.push.messages.sent", () => Sync(fleet, s => s.PushMessagesSent), description: "Push messages sent (one per committed batch of local writes).");
        _meter.CreateObservableCounter("edgesync.sync.rounds", () => Sync(fleet, s => s.Rounds), description: "Anti-entropy rounds started.");
        _meter.CreateObservableCounter("edgesync.sync.put_off", () => Sync(fleet, s => s.ExchangesPutOff), description: "Anti-entropy rounds and answers put off while received pushes were still being applied.");
        _meter.CreateObservableCounter("edgesync.sync.delta.states.received", () => Sync(fleet, s => s.DeltaStatesReceived), description: "Key states received by delta sync.");
        _meter.CreateObservableCounter("edgesync.sync.digest.checks", () => Sync(fleet, s => s.DigestChecks), description: "Merkle digest checks started.");
        _meter.CreateObservableCounter("edgesync.sync.digest.descents", () => Sync(fleet, s => s.DigestDescents), description: "Digest check steps that found differing hashes and went a level down (or listed buckets).");
        _meter.CreateObservableCounter("edgesync.sync.repair.states.received", () => Sync(fleet, s => s.RepairStatesReceived), description: "Key states received by the digest check.");
        _meter.CreateObservableCounter("edgesync.sync.ignored", () => Sync(fleet, s => s.Ignored), description: "Sync messages ignored (another fleet, a non-member, our own).");
        _meter.CreateObservableCounter("edgesync.sync.errors", () => Sync(fleet, s => s.Errors), description: "Sync messages that failed to apply or send.");
        _meter.CreateObservableGauge("edgesync.peer.reachable", () => fleet.Peers.Select(p => new Measurement<int>(p.Reachable ? 1 : 0, new KeyValuePair<string, object?>("peer", p.Id))), description: "1 while the failure detector hears the peer.");
        _meter.CreateObservableGauge("edgesync.peer.last_seen", () => fleet.Peers.Where(p => p.LastSeenMs is not null).Select(p => new Measurement<double>(p.LastSeenMs!.Value / 1000.0, new KeyValuePair<string, object?>("peer", p.Id))), unit: "s", description: "Time since the peer was last heard from.");
        _meter.CreateObservableGauge("edgesync.peer.replication.lag", () => fleet.Peers.Select(p => new Measurement<double>(p.Lag.TotalSeconds, new KeyValuePair<string, object?>("peer", p.Id))), unit: "s", description: "How long ago this node first held an update the peer's latest report lacks (0 when caught up).");
        _meter.CreateObservableGauge("edgesync.peer.replication.behind", () => fleet.Peers.Select(p => new Measurement<long>(p.Behind, new KeyValuePair<string, object?>("peer", p.Id))), description: "Updates this node holds that the peer's latest report lacks.");
    }

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<long>> PerChannel(FleetRuntime fleet, Func<MqttTransportStats, FleetChannel, long> read) =>
        fleet.Mqtt is { } mqtt
            ? Enum.GetValues<FleetChannel>().Select(c => new Measurement<long>(read(mqtt.Stats, c), new KeyValuePair<string, object?>("channel", c.ToString().ToLowerInvariant())))
            : [];

    private static IEnumerable<Measurement<long>> Malformed(FleetRuntime fleet) =>
    [
        new(fleet.MalformedFleetMessages, new KeyValuePair<string, object?>("kind", "fleet")),
        new(fleet.MalformedSyncMessages, new KeyValuePair<string, object?>("kind", "sync")),
    ];

    // The engine updates these under its lock; a 64-bit read of a long is atomic, a scrape may be a moment behind.
    private static long Sync(FleetRuntime fleet, Func<Core.Sync.SyncStats, long> read) =>
        fleet.Engine is { } engine ? read(engine.Stats) : 0;
}
