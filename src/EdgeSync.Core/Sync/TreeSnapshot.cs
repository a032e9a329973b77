using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>
/// A replica's Merkle tree and live-key count, as kept across a clean restart so that opening a
/// store need not read and re-hash every record (100k keys: ~1.2 s on the development VM). Only the
/// storage decides whether a snapshot still describes what it holds; this type only encodes it
/// and refuses bytes that are not a consistent tree.
/// </summary>
/// <param name="BuiltAtMs">When the tree was last built from every record (hybrid-clock wall time, ms):
/// a kept tree is trusted only so long, see <see cref="Replica.MaxKeptTreeAge"/>.</param>
public sealed record TreeSnapshot(MerkleTree Tree, long LiveKeys, long BuiltAtMs)
{
    private const uint Magic = 0x45455254; // "TREE", little-endian

    /// <summary>
    /// The encoding's version. A leaf digest is xxHash128 of the <see cref="KeyStateCodec"/> bytes,
    /// and a snapshot holds digests: change this with anything that changes a digest.
    /// </summary>
    private const byte Format = 1;

    public byte[] Encode()
    {
        using var stream = new MemoryStream((int)Math.Min(int.MaxValue, Tree.Leaves.Bytes + (16 * 4400) + 64));
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Magic);
            writer.Write(Format);
            writer.Write(KeyStateCodec.Version);
            writer.Write(MerkleTree.LeafCount);
            writer.Write(LiveKeys);
            writer.Write(BuiltAtMs);
            writer.Write(Tree.Leaves.Count);
            Tree.WriteTo(writer);
        }

        return stream.ToArray();
    }

    /// <summary>The snapshot in <paramref name="bytes"/>, or null when they are not one this build wrote or not consistent.</summary>
    public static TreeSnapshot? Decode(ArraySegment<byte> bytes)
    {
        if (bytes.Array is null)
        {
            return null;
        }

        using var reader = new BinaryReader(new MemoryStream(bytes.Array, bytes.Offset, bytes.Count, writable: false));
        try
        {
            if (reader.ReadUInt32() != Magic || reader.ReadByte() != Format || reader.ReadByte() != KeyStateCodec.Version
                || reader.ReadInt32() != MerkleTree.LeafCount)
            {
                return null;
            }

            var live = reader.ReadInt64();
            var builtAt = reader.ReadInt64();
            var keys = reader.ReadInt64();
            var tree = new MerkleTree();
            var whole = tree.ReadFrom(reader) && reader.BaseStream.Position == bytes.Count;
            return whole && tree.Leaves.Count == keys && live >= 0 && live <= keys ? new TreeSnapshot(tree, live, builtAt) : null;
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }
}
