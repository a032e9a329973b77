namespace EdgeSync.Agent.Mqtt;

/// <summary>One message received on a fleet topic. The payload is our own copy (MQTTnet's buffer is not
/// kept); <see cref="Retained"/> marks a broker's stored value (presence, leader, stable) replayed on subscribe.</summary>
public sealed record FleetMessage(FleetTopic Topic, ReadOnlyMemory<byte> Payload, bool Retained)
{
    public FleetChannel Channel => Topic.Channel;
    public string? From => Topic.From;
}
