using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Sync;

/// <summary>
/// The sender's fingerprints of every key state in some Merkle leaf buckets (<see cref="Counts"/>
/// per bucket, in order; <see cref="Buckets"/> strictly increasing), each a 16-bit hash of the
/// state's digest mixed with <see cref="Salt"/>. A fresh salt per exchange means a rare collision
/// hides a difference for one check only. <see cref="Applied"/> is the sender's applied base: the
/// receiver need not send back a state whose every version the sender has already seen.
/// </summary>
public sealed record BucketRequest(
    string Fleet,
    string Sender,
    uint Salt,
    IReadOnlyList<int> Buckets,
    IReadOnlyList<int> Counts,
    IReadOnlyList<ushort> Prints,
    VersionVector Applied) : SyncMessage(Fleet, Sender);
