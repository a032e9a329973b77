namespace EdgeSync.Core.Sync;

/// <summary>
/// The sender's fingerprints of every key state in some Merkle leaf buckets (<see cref="Counts"/>
/// per bucket, in order), each a 32-bit hash of the state's digest mixed with <see cref="Salt"/>.
/// A fresh salt per exchange means a rare collision hides a difference for one round only.
/// </summary>
public sealed record BucketRequest(string Fleet, string Sender, uint Salt, IReadOnlyList<int> Buckets, IReadOnlyList<int> Counts, IReadOnlyList<uint> Prints)
    : SyncMessage(Fleet, Sender);
