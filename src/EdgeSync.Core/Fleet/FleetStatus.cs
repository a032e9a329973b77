using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Fleet;

/// <summary>A snapshot of what a node knows of its fleet, for /v1/status, /v1/leader and the LEDs.</summary>
public sealed record FleetStatus(
    string NodeId,
    Role Role,
    long Term,
    string? Leader,
    bool IsLeader,
    PartitionState Partition,
    IReadOnlyList<PeerStatus> Peers,
    bool BrokerConnected,
    VersionVector Stable);
