using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using EdgeSync.Core.Sync;

namespace EdgeSync.Agent.Storage;

/// <summary>
/// The keys of each Merkle leaf bucket, for the digest check's bucket listings, kept in memory
/// instead of a LiteDB index: that index cost ~20 µs and ~20 KB of garbage per inserted key, about
/// a third of a replicated write's LiteDB time, for a listing that runs only when a digest check
/// finds a difference. Each bucket is one array of length-prefixed UTF-8 keys (~key length + 2
/// bytes per key, no object per key, so nothing here adds to what a garbage collection traces).
/// Not thread-safe: used under the store's single-caller rule.
/// </summary>
internal sealed class BucketKeys
{
    private const int FirstBlob = 64;

    private readonly byte[]?[] _blobs = new byte[]?[MerkleTree.LeafCount];
    private readonly int[] _used = new int[MerkleTree.LeafCount];

    /// <summary>Keys held.</summary>
    public long Count { get; private set; }

    /// <summary>Bytes of the buckets' arrays (their spare room included).</summary>
    public long Bytes { get; private set; }

    /// <summary>Adds <paramref name="key"/> unless it is there; <paramref name="surelyNew"/> skips the look.</summary>
    public void Add(string key, bool surelyNew = false)
    {
        using var encoded = new Utf8Key(key);
        var utf8 = encoded.Bytes;
        var bucket = MerkleTree.BucketOf(utf8);
        if (!surelyNew && Find(bucket, utf8) >= 0)
        {
            return;
        }

        Append(bucket, utf8);
        Count++;
    }

    /// <summary>Removes <paramref name="key"/>; false when it was not there.</summary>
    public bool Remove(string key)
    {
        using var encoded = new Utf8Key(key);
        var utf8 = encoded.Bytes;
        var bucket = MerkleTree.BucketOf(utf8);
        var at = Find(bucket, utf8);
        if (at < 0)
        {
            return false;
        }

        var blob = _blobs[bucket]!;
        var entry = 2 + utf8.Length;
        blob.AsSpan(at + entry, _used[bucket] - at - entry).CopyTo(blob.AsSpan(at));
        _used[bucket] -= entry;
        Count--;
        return true;
    }

    /// <summary>The keys of one bucket, in no particular order.</summary>
    public List<string> Keys(int bucket)
    {
        var keys = new List<string>();
        var blob = _blobs[bucket];
        for (var at = 0; at < _used[bucket]; )
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(blob.AsSpan(at));
            keys.Add(Encoding.UTF8.GetString(blob!, at + 2, length));
            at += 2 + length;
        }

        return keys;
    }

    private int Find(int bucket, ReadOnlySpan<byte> utf8)
    {
        var blob = _blobs[bucket];
        for (var at = 0; at < _used[bucket]; )
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(blob.AsSpan(at));
            if (blob.AsSpan(at + 2, length).SequenceEqual(utf8))
            {
                return at;
            }

            at += 2 + length;
        }

        return -1;
    }

    private void Append(int bucket, ReadOnlySpan<byte> utf8)
    {
        var blob = _blobs[bucket];
        var used = _used[bucket];
        var needed = used + 2 + utf8.Length;
        if (blob is null || needed > blob.Length)
        {
            var bigger = new byte[Math.Max(FirstBlob, Math.Max(needed, (blob?.Length ?? 0) * 2))];
            blob?.AsSpan(0, used).CopyTo(bigger);
            Bytes += bigger.Length - (blob?.Length ?? 0);
            _blobs[bucket] = blob = bigger;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(blob.AsSpan(used), (ushort)utf8.Length);
        utf8.CopyTo(blob.AsSpan(used + 2));
        _used[bucket] = needed;
    }

    /// <summary>A key's UTF-8 bytes in a pooled buffer: every save encodes one, so no garbage per call.</summary>
    private readonly ref struct Utf8Key
    {
        private readonly byte[] _rented;

        public Utf8Key(string key)
        {
            _rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(key));
            Bytes = _rented.AsSpan(0, Encoding.UTF8.GetBytes(key, _rented));
        }

        public ReadOnlySpan<byte> Bytes { get; }

        public void Dispose() => ArrayPool<byte>.Shared.Return(_rented);
    }
}
