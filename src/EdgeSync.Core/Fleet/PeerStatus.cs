namespace EdgeSync.Core.Fleet;

/// <summary>
/// One peer as this node sees it; LastSeenMs is null when never heard. <see cref="Behind"/> and
/// <see cref="Lag"/> are its replication lag (see <see cref="ReplicationLag"/>).
/// </summary>
public sealed record PeerStatus(string Id, bool Reachable, long? LastSeenMs, long Behind = 0, TimeSpan Lag = default);
