namespace EdgeSync.Core.Sync;

/// <summary>The sender's Merkle hashes of some nodes on one level; the receiver answers for those that differ.</summary>
public sealed record DigestRequest(string Fleet, string Sender, int Level, IReadOnlyList<int> Indices, IReadOnlyList<ulong> Hashes)
    : SyncMessage(Fleet, Sender);
