using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Fleet.Messages;

/// <summary>
/// Broadcast by every node every heartbeat interval: liveness for the failure detector, and the
/// node's applied base vector, from which the leader computes the tombstone-GC watermark.
/// </summary>
public sealed record Heartbeat(string From, long Term, Role Role, string? Leader, VersionVector Applied) : FleetMessage(From);
