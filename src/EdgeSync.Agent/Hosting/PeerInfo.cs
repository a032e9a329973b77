namespace EdgeSync.Agent.Hosting;

/// <summary>One other fleet member as this node sees it.</summary>
public sealed record PeerInfo(string Id, bool Reachable, long? LastSeenMs);
