using EdgeSync.Agent.Mqtt;
using FleetMessage = EdgeSync.Core.Fleet.Messages.FleetMessage;
using EdgeSync.Core.Fleet;
using EdgeSync.Core.Fleet.Messages;

namespace EdgeSync.Agent.Replication;

/// <summary>Moves membership and election messages over MQTT, each on its own topic family.</summary>
public sealed class MqttFleetTransport(MqttFleetConnection mqtt) : IFleetTransport
{
    public const string Kind = "fleet";

    public void Broadcast(FleetMessage message)
    {
        var bytes = FleetCodec.Encode(message);
        _ = message switch
        {
            Heartbeat => mqtt.PublishHeartbeatAsync(bytes),
            StableVector => mqtt.PublishStableAsync(bytes),
            _ => mqtt.PublishElectionAsync(bytes),
        };
    }

    public void Send(string to, FleetMessage message) =>
        _ = mqtt.SendDirectAsync(to, Kind, FleetCodec.Encode(message));
}
