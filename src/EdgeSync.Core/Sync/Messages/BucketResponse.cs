using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>
/// The answer for some of the requested buckets (<see cref="Buckets"/> strictly increasing): the
/// sender's states whose fingerprint the requester did not list (they differ, or the requester
/// lacks the key) unless the requester has seen all of the state already, and the requester's
/// fingerprints that matched none of the sender's states (the requester should send those),
/// <see cref="UnmatchedCounts"/> per bucket, in order, so the requester looks for each only in its bucket.
/// <see cref="SenderApplied"/> lets the receiver tell a stale repair of a purged key.
/// </summary>
public sealed record BucketResponse(
    string Fleet,
    string Sender,
    uint Salt,
    IReadOnlyList<int> Buckets,
    IReadOnlyList<int> UnmatchedCounts,
    IReadOnlyList<ushort> Unmatched,
    IReadOnlyList<KeyState> States,
    VersionVector SenderApplied) : SyncMessage(Fleet, Sender);
