using EdgeSync.Agent.Mqtt;
using EdgeSync.Agent.Security;
using FleetMessage = EdgeSync.Core.Fleet.Messages.FleetMessage;
using EdgeSync.Core.Fleet;
using EdgeSync.Core.Fleet.Messages;

namespace EdgeSync.Agent.Replication;

/// <summary>Moves membership and election messages over MQTT, each on its own topic family.</summary>
public sealed class MqttFleetTransport(MqttFleetConnection mqtt, MessageAuthenticator? auth = null) : IFleetTransport
{
    private readonly MessageAuthenticator _auth = auth ?? MessageAuthenticator.None;

    public const string Kind = "fleet";

    public void Broadcast(FleetMessage message)
    {
        var bytes = _auth.Seal(FleetCodec.Encode(message));
        _ = message switch
        {
            Heartbeat => mqtt.PublishHeartbeatAsync(bytes),
            StableVector => mqtt.PublishStableAsync(bytes),
            _ => mqtt.PublishElectionAsync(bytes),
        };
    }

    public void Send(string to, FleetMessage message) =>
        _ = mqtt.SendDirectAsync(to, Kind, _auth.Seal(FleetCodec.Encode(message)));

    /// <summary>Opens and decodes a received fleet payload; false (and counted by the caller or the authenticator) when it is not one.</summary>
    public static bool TryDecode(MessageAuthenticator auth, ReadOnlyMemory<byte> payload, out FleetMessage? message, out bool authentic)
    {
        message = null;
        authentic = auth.TryOpen(payload, out var inner);
        if (!authentic)
        {
            return false;
        }

        try
        {
            message = FleetCodec.Decode(inner.Span);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
