using EdgeSync.Core.Store;

namespace EdgeSync.Core.Consistency;

/// <summary>
/// The end of a quorum write or read: how many members (this node included) hold the write or
/// answered the read, and for a read the merged state (null when no replica holds the key).
/// </summary>
public sealed record QuorumOutcome(int Replicas, KeyState? State);
