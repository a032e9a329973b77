using System.Buffers.Binary;
using System.Text;

namespace EdgeSync.Core.Sync;

/// <summary>
/// Every key of each Merkle leaf bucket with the low 64 bits of its state's digest, so a digest
/// check's bucket listings (the fingerprints, and which keys lack a match) come from memory, and
/// only the keys that differ are read from the store. Listing them from LiteDB cost a lookup per
/// key of every differing bucket: ~4 s to repair 1,000 diverged keys of 100,000. Each bucket is one
/// array of entries [u16 length][UTF-8 key][u64 digest] (~key length + 10 bytes per key, no object
/// per key, so nothing here adds to what a garbage collection traces). Not thread-safe: it is part
/// of the replica's tree, which one writer owns.
/// </summary>
public sealed class LeafKeys
{
    private const int FirstBlob = 64;
    private const int DigestBytes = sizeof(ulong);

    private readonly byte[]?[] _blobs = new byte[]?[MerkleTree.LeafCount];
    private readonly int[] _used = new int[MerkleTree.LeafCount];

    /// <summary>Keys held.</summary>
    public long Count { get; private set; }

    /// <summary>Bytes of the buckets' arrays (their spare room included).</summary>
    public long Bytes { get; private set; }

    /// <summary>
    /// Adds the key to <paramref name="bucket"/> with <paramref name="digest"/>, or replaces its digest
    /// there; <paramref name="surelyNew"/> (the caller knows the key is not there) skips the look.
    /// </summary>
    public void Set(int bucket, ReadOnlySpan<byte> utf8, ulong digest, bool surelyNew = false)
    {
        var at = surelyNew ? -1 : Find(bucket, utf8);
        if (at < 0)
        {
            at = Append(bucket, utf8);
            Count++;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(_blobs[bucket].AsSpan(at + 2 + utf8.Length), digest);
    }

    /// <summary>Removes the key from <paramref name="bucket"/>; false when it was not there.</summary>
    public bool Remove(int bucket, ReadOnlySpan<byte> utf8)
    {
        var at = Find(bucket, utf8);
        if (at < 0)
        {
            return false;
        }

        var blob = _blobs[bucket]!;
        var entry = 2 + utf8.Length + DigestBytes;
        blob.AsSpan(at + entry, _used[bucket] - at - entry).CopyTo(blob.AsSpan(at));
        _used[bucket] -= entry;
        Count--;
        return true;
    }

    /// <summary>The keys of one bucket with their digests, in no particular order.</summary>
    public List<(string Key, ulong Digest)> Entries(int bucket)
    {
        var entries = new List<(string Key, ulong Digest)>();
        var blob = _blobs[bucket];
        foreach (var (at, length) in Walk(bucket))
        {
            entries.Add((Encoding.UTF8.GetString(blob!, at + 2, length), DigestAt(blob!, at, length)));
        }

        return entries;
    }

    /// <summary>Calls <paramref name="each"/> with every key held, as UTF-8.</summary>
    public void ForEachKey(Action<ReadOnlySpan<byte>> each)
    {
        ArgumentNullException.ThrowIfNull(each);
        for (var bucket = 0; bucket < MerkleTree.LeafCount; bucket++)
        {
            foreach (var (at, length) in Walk(bucket))
            {
                each(_blobs[bucket].AsSpan(at + 2, length));
            }
        }
    }

    /// <summary>The digest held for the key in <paramref name="bucket"/>; null when the key is not there.</summary>
    public ulong? DigestOf(int bucket, ReadOnlySpan<byte> utf8)
    {
        var at = Find(bucket, utf8);
        return at < 0 ? null : DigestAt(_blobs[bucket]!, at, utf8.Length);
    }

    /// <summary>The XOR of the digests in <paramref name="bucket"/>: the low half of its leaf hash.</summary>
    public ulong DigestSum(int bucket)
    {
        var sum = 0UL;
        foreach (var (at, length) in Walk(bucket))
        {
            sum ^= DigestAt(_blobs[bucket]!, at, length);
        }

        return sum;
    }

    /// <summary>Every bucket's used bytes, length-prefixed (see <see cref="TreeSnapshot"/>).</summary>
    internal void WriteTo(BinaryWriter writer)
    {
        for (var bucket = 0; bucket < MerkleTree.LeafCount; bucket++)
        {
            writer.Write(_used[bucket]);
            writer.Write(_blobs[bucket].AsSpan(0, _used[bucket]));
        }
    }

    /// <summary>
    /// Fills this empty instance with what <see cref="WriteTo"/> wrote; false when the entries are
    /// not well formed or a key sits in a bucket that is not its own (then this instance is unusable).
    /// </summary>
    internal bool ReadFrom(BinaryReader reader)
    {
        for (var bucket = 0; bucket < MerkleTree.LeafCount; bucket++)
        {
            var used = reader.ReadInt32();
            if (used < 0 || used > reader.BaseStream.Length - reader.BaseStream.Position)
            {
                return false;
            }

            if (used == 0)
            {
                continue;
            }

            var blob = reader.ReadBytes(used);
            for (var at = 0; at < used; )
            {
                if (used - at < 2)
                {
                    return false;
                }

                var length = BinaryPrimitives.ReadUInt16LittleEndian(blob.AsSpan(at));
                if (used - at - 2 < length + DigestBytes || MerkleTree.BucketOf(blob.AsSpan(at + 2, length)) != bucket)
                {
                    return false;
                }

                Count++;
                at += 2 + length + DigestBytes;
            }

            _blobs[bucket] = blob;
            _used[bucket] = used;
            Bytes += used;
        }

        return true;
    }

    private int Find(int bucket, ReadOnlySpan<byte> utf8)
    {
        foreach (var (at, length) in Walk(bucket))
        {
            if (_blobs[bucket].AsSpan(at + 2, length).SequenceEqual(utf8))
            {
                return at;
            }
        }

        return -1;
    }

    private static ulong DigestAt(byte[] blob, int at, int length) => BinaryPrimitives.ReadUInt64LittleEndian(blob.AsSpan(at + 2 + length));

    /// <summary>The entries of one bucket, as where each starts and its key's length; no allocation (a struct).</summary>
    private EntryWalk Walk(int bucket) => new(_blobs[bucket], _used[bucket]);

    private struct EntryWalk(byte[]? blob, int used)
    {
        private int _next;

        public (int At, int Length) Current { get; private set; }

        public readonly EntryWalk GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_next >= used)
            {
                return false;
            }

            var length = BinaryPrimitives.ReadUInt16LittleEndian(blob.AsSpan(_next));
            Current = (_next, length);
            _next += 2 + length + DigestBytes;
            return true;
        }
    }

    /// <summary>Appends an entry for the key (its digest left to the caller); returns where it starts.</summary>
    private int Append(int bucket, ReadOnlySpan<byte> utf8)
    {
        var blob = _blobs[bucket];
        var used = _used[bucket];
        var needed = used + 2 + utf8.Length + DigestBytes;
        if (blob is null || needed > blob.Length)
        {
            var bigger = new byte[Math.Max(FirstBlob, Math.Max(needed, (blob?.Length ?? 0) * 2))];
            blob?.AsSpan(0, used).CopyTo(bigger);
            Bytes += bigger.Length - (blob?.Length ?? 0);
            _blobs[bucket] = blob = bigger;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(blob.AsSpan(used), checked((ushort)utf8.Length));
        utf8.CopyTo(blob.AsSpan(used + 2));
        _used[bucket] = needed;
        return used;
    }
}
