using EdgeSync.Core.Store;

namespace EdgeSync.Core.Consistency;

/// <summary>
/// The end of a quorum read: how many members (this node included) answered it, and the merged
/// state (null when no replica holds the key).
/// </summary>
public sealed record QuorumOutcome(int Replicas, KeyState? State);
