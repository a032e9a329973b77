using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Tests.Simulation;

/// <summary>One node's end of the <see cref="SimNetwork"/>.</summary>
public sealed class SimTransport(SimNetwork network, string node) : ISyncTransport
{
    public event Action<SyncMessage>? Received;

    public void Send(string peer, SyncMessage message) => network.Send(node, peer, message);

    public void Broadcast(SyncMessage message) => network.Broadcast(node, message);

    public void Deliver(SyncMessage message) => Received?.Invoke(message);
}
