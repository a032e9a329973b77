namespace EdgeSync.Core.Sync;

/// <summary>One key of a leaf bucket and the digest of its state.</summary>
public readonly record struct BucketEntry(string Key, ulong Digest);
