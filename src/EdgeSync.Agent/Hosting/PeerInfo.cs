namespace EdgeSync.Agent.Hosting;

/// <summary>
/// One other fleet member as this node sees it, with its replication lag (updates and time behind us)
/// and the agent version it announced in its presence (null until heard, or from an agent that did not say).
/// </summary>
public sealed record PeerInfo(string Id, bool Reachable, long? LastSeenMs, long Behind = 0, TimeSpan Lag = default, string? Agent = null);
