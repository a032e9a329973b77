namespace EdgeSync.Core.Sync;

/// <summary>
/// The sender's Merkle hashes of some nodes on one level (each a 32-bit wire hash, see
/// <see cref="MerkleTree.WireHash"/>, salted with <see cref="Salt"/>, which stays the same for
/// the whole descent of one digest check); the receiver answers for those that differ.
/// <see cref="Indices"/> are strictly increasing.
/// </summary>
public sealed record DigestRequest(string Fleet, string Sender, uint Salt, int Level, IReadOnlyList<int> Indices, IReadOnlyList<uint> Hashes)
    : SyncMessage(Fleet, Sender);
