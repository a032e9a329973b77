namespace EdgeSync.Core.Sync;

/// <summary>
/// For each requested node whose hash differed: its <see cref="MerkleTree.Fanout"/> child hashes,
/// in order (<see cref="Children"/> holds Fanout entries per index of <see cref="Indices"/>).
/// </summary>
public sealed record DigestResponse(string Fleet, string Sender, int Level, IReadOnlyList<int> Indices, IReadOnlyList<ulong> Children)
    : SyncMessage(Fleet, Sender);
