namespace EdgeSync.Core.Sync;

/// <summary>
/// For each requested node whose hash differed: its <see cref="MerkleTree.Fanout"/> child hashes,
/// in order (<see cref="Children"/> holds Fanout entries per index of <see cref="Indices"/>), as
/// wire hashes (16-bit for leaves) salted with the request's <see cref="Salt"/>.
/// </summary>
public sealed record DigestResponse(string Fleet, string Sender, uint Salt, int Level, IReadOnlyList<int> Indices, IReadOnlyList<uint> Children)
    : SyncMessage(Fleet, Sender);
