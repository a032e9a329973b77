using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Store;

/// <summary>
/// Node-wide state persisted with every batch: applied updates, the hybrid clock, and the stable
/// vector purges used (null from stores written before it was kept), without which a restarted
/// node could not tell a stale repair of a purged key from a real divergence.
/// </summary>
public sealed record ReplicaMeta(DotSet Applied, HybridTimestamp Clock, VersionVector? Stable = null);
