using EdgeSync.Agent.Mqtt;
using EdgeSync.Agent.Security;
using EdgeSync.Core.Sync;

namespace EdgeSync.Agent.Replication;

/// <summary>Moves sync messages over MQTT: pushes fan out through the broker, the rest are directed.</summary>
public sealed class MqttSyncTransport(MqttFleetConnection mqtt, ILogger log, MessageAuthenticator? auth = null) : ISyncTransport
{
    public const string Kind = "sync";

    public event Action<SyncMessage>? Received;

    public long Malformed;

    private readonly MessageAuthenticator _auth = auth ?? MessageAuthenticator.None;

    public void Send(string peer, SyncMessage message) =>
        _ = mqtt.SendDirectAsync(peer, Kind, _auth.Seal(SyncCodec.Encode(message)));

    public void Broadcast(SyncMessage message) =>
        _ = mqtt.PublishPushAsync(_auth.Seal(SyncCodec.Encode(message)));

    /// <summary>Decode and deliver; garbage is counted and dropped, never thrown.</summary>
    public void Deliver(ReadOnlyMemory<byte> payload)
    {
        if (!_auth.TryOpen(payload, out payload))
        {
            log.LogDebug("Dropped an unauthenticated sync message");
            return;
        }

        SyncMessage message;
        try
        {
            message = SyncCodec.Decode(payload.Span);
        }
        catch (FormatException e)
        {
            Interlocked.Increment(ref Malformed);
            log.LogDebug("Dropped a malformed sync message: {Reason}", e.Message);
            return;
        }

        Received?.Invoke(message);
    }
}
