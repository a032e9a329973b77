using System.Buffers;
using System.IO.Hashing;
using System.Text;
using EdgeSync.Core.Store;

namespace EdgeSync.Core.Sync;

/// <summary>
/// A fixed-shape hash tree over the key space: 4096 leaf buckets (by key hash) under two inner
/// levels of fan-out 16 and a root. A node's hash is the XOR of the digests of the keys below it,
/// so each write updates one path in O(1) instead of rebuilding anything; two replicas compare
/// root-first and descend only where hashes differ. It also keeps every key of each leaf with its
/// digest (<see cref="Leaves"/>), for listing a differing leaf without reading the store.
/// </summary>
public sealed class MerkleTree
{
    public const int Fanout = 16;
    public const int Depth = 3;
    public const int LeafCount = 4096; // Fanout ^ Depth

    private readonly UInt128[][] _levels;

    public MerkleTree()
    {
        _levels = new UInt128[Depth + 1][];
        for (var level = 0; level <= Depth; level++)
        {
            _levels[level] = new UInt128[(int)Math.Pow(Fanout, level)];
        }
    }

    public UInt128 Root => _levels[0][0];

    /// <summary>Each leaf bucket's keys and the low 64 bits of their digests (<see cref="Update"/> keeps them).</summary>
    public LeafKeys Leaves { get; } = new();

    /// <summary>A key's leaf bucket: xxHash3 of its UTF-8 bytes (the same on every node and platform).</summary>
    public static int BucketOf(string key) => BucketOf(Encoding.UTF8.GetBytes(key));

    /// <summary>The leaf bucket of a key given as its UTF-8 bytes.</summary>
    public static int BucketOf(ReadOnlySpan<byte> utf8) => (int)(XxHash3.HashToUInt64(utf8) >> 52) & (LeafCount - 1);

    /// <summary>A key's contribution: its digest mixed with the key, so equal states of different keys differ.</summary>
    public static UInt128 LeafDigest(KeyState state) => KeyStateCodec.Digest(state);

    public UInt128 Hash(int level, int index) => _levels[level][index];

    /// <summary>The low 64 bits of the digest the tree holds for <paramref name="key"/>; null when it holds none.</summary>
    public ulong? DigestHeld(string key)
    {
        var utf8 = Encoding.UTF8.GetBytes(key);
        return Leaves.DigestOf(BucketOf(utf8), utf8);
    }

    /// <summary>
    /// A node hash as sent on the wire: 32 bits (16 for leaves) of the 128-bit hash mixed with a
    /// salt chosen per digest check. A false match (two different hashes, same wire hash) hides
    /// that subtree's difference for this check only: the full roots still differ, and the next
    /// check, with another salt, finds it. Per differing node and check that is 2^-32, or 2^-16
    /// for a leaf bucket: leaves are most of the tree's traffic, and 2^-16 per bucket is far
    /// below what the 16-bit key fingerprints inside a differing bucket already accept.
    /// </summary>
    public static uint WireHash(UInt128 hash, uint salt, int level)
    {
        var wide = (uint)(Mix(Mix((ulong)hash ^ (salt * 0x9E3779B97F4A7C15UL)) ^ (ulong)(hash >> 64)) >> 32);
        return level == Depth ? wide >> 16 : wide;
    }

    /// <summary>The murmur3 64-bit finaliser: every input bit affects every output bit.</summary>
    public static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        x *= 0xC4CEB9FE1A85EC53UL;
        x ^= x >> 33;
        return x;
    }

    /// <summary>Every node hash, root first, then the leaves' keys (see <see cref="TreeSnapshot"/>).</summary>
    internal void WriteTo(BinaryWriter writer)
    {
        foreach (var level in _levels)
        {
            foreach (var hash in level)
            {
                writer.Write((ulong)hash);
                writer.Write((ulong)(hash >> 64));
            }
        }

        Leaves.WriteTo(writer);
    }

    /// <summary>
    /// Fills this empty tree with what <see cref="WriteTo"/> wrote; false unless it is consistent:
    /// each inner hash the XOR of its children's, each leaf's keys well formed and in their own
    /// bucket, and their digests' XOR the low half of the leaf's hash.
    /// </summary>
    internal bool ReadFrom(BinaryReader reader)
    {
        foreach (var level in _levels)
        {
            for (var i = 0; i < level.Length; i++)
            {
                var low = reader.ReadUInt64();
                level[i] = new UInt128(reader.ReadUInt64(), low);
            }
        }

        for (var level = 0; level < Depth; level++)
        {
            for (var i = 0; i < _levels[level].Length; i++)
            {
                var children = UInt128.Zero;
                for (var c = 0; c < Fanout; c++)
                {
                    children ^= _levels[level + 1][(i * Fanout) + c];
                }

                if (children != _levels[level][i])
                {
                    return false;
                }
            }
        }

        if (!Leaves.ReadFrom(reader))
        {
            return false;
        }

        for (var leaf = 0; leaf < LeafCount; leaf++)
        {
            if (Leaves.DigestSum(leaf) != (ulong)_levels[Depth][leaf])
            {
                return false;
            }
        }

        return true;
    }

    public UInt128[] Children(int level, int index)
    {
        var children = new UInt128[Fanout];
        Array.Copy(_levels[level + 1], index * Fanout, children, 0, Fanout);
        return children;
    }

    /// <summary>
    /// Replace a key's contribution: XOR out the old digest, XOR in the new one. <paramref name="before"/>
    /// is the key's state in the tree, null when the tree does not hold the key: a new key's entry is
    /// then appended to its leaf without looking for it there (on a store of a million keys, ~250 a leaf,
    /// that look would cost every start and every new key a scan of the leaf).
    /// </summary>
    public void Update(string key, KeyState? before, KeyState? after)
    {
        var delta = UInt128.Zero;
        if (before is not null)
        {
            delta ^= LeafDigest(before);
        }

        var digest = UInt128.Zero;
        if (after is not null)
        {
            digest = LeafDigest(after);
            delta ^= digest;
        }

        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(key));
        int index;
        try
        {
            var utf8 = rented.AsSpan(0, Encoding.UTF8.GetBytes(key, rented));
            index = BucketOf(utf8);
            if (after is null)
            {
                Leaves.Remove(index, utf8);
            }
            else
            {
                Leaves.Set(index, utf8, (ulong)digest, surelyNew: before is null);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        if (delta == UInt128.Zero)
        {
            return;
        }

        for (var level = Depth; level >= 0; level--)
        {
            _levels[level][index] ^= delta;
            index /= Fanout;
        }
    }
}
