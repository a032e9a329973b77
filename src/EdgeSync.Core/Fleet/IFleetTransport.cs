using EdgeSync.Core.Fleet.Messages;

namespace EdgeSync.Core.Fleet;

/// <summary>Best-effort delivery of fleet messages; the MQTT adapter or the simulator's network.</summary>
public interface IFleetTransport
{
    void Broadcast(FleetMessage message);

    void Send(string to, FleetMessage message);
}
