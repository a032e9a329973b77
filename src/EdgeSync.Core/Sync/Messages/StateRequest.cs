namespace EdgeSync.Core.Sync;

/// <summary>"Send me your committed state of <see cref="Key"/>" (a quorum read).</summary>
public sealed record StateRequest(string Fleet, string Sender, long Id, string Key) : SyncMessage(Fleet, Sender);
