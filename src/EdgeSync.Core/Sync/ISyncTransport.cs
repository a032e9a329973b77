namespace EdgeSync.Core.Sync;

/// <summary>
/// The port the sync engine talks through (MQTT in the agent, an in-memory network in the
/// simulator). Delivery is best effort: messages may be lost, delayed, duplicated or reordered;
/// the protocol is idempotent and repairs every loss by anti-entropy.
/// </summary>
public interface ISyncTransport
{
    /// <summary>Raised for every message received from a peer.</summary>
    event Action<SyncMessage>? Received;

    void Send(string peer, SyncMessage message);

    void Broadcast(SyncMessage message);
}
