namespace EdgeSync.Core.Sync;

/// <summary>Asks for the per-key digests of some Merkle leaf buckets.</summary>
public sealed record BucketRequest(string Fleet, string Sender, IReadOnlyList<int> Buckets) : SyncMessage(Fleet, Sender);
