using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Store;

/// <summary>Node-wide state persisted with every batch: applied updates and the hybrid clock.</summary>
public sealed record ReplicaMeta(DotSet Applied, HybridTimestamp Clock);
