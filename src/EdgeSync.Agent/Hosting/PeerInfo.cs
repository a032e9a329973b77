namespace EdgeSync.Agent.Hosting;

/// <summary>One other fleet member as this node sees it, with its replication lag (updates and time behind us).</summary>
public sealed record PeerInfo(string Id, bool Reachable, long? LastSeenMs, long Behind = 0, TimeSpan Lag = default);
