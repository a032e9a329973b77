namespace EdgeSync.Core.Sync;

/// <summary>
/// For each requested node whose hash differed: its <see cref="MerkleTree.Fanout"/> child hashes,
/// in order (<see cref="Children"/> holds Fanout entries per index of <see cref="Indices"/>), as
/// 32-bit wire hashes salted with the request's <see cref="Salt"/>.
/// </summary>
public sealed record DigestResponse(string Fleet, string Sender, uint Salt, int Level, IReadOnlyList<int> Indices, IReadOnlyList<uint> Children)
    : SyncMessage(Fleet, Sender);
