namespace EdgeSync.Core.Fleet;

/// <summary>One peer as this node sees it; LastSeenMs is null when never heard.</summary>
public sealed record PeerStatus(string Id, bool Reachable, long? LastSeenMs);
