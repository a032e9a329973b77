namespace EdgeSync.Core.Sync;

/// <summary>Every key (with its digest) the sender holds in the listed buckets; a key not listed is one it lacks.</summary>
public sealed record BucketResponse(string Fleet, string Sender, IReadOnlyList<int> Buckets, IReadOnlyList<BucketEntry> Entries)
    : SyncMessage(Fleet, Sender);
