using System.IO.Hashing;
using System.Text;

namespace EdgeSync.Agent.Storage;

/// <summary>
/// A Bloom filter of every key the store has held since it opened, so a put of a new key can skip
/// the LiteDB lookup (~30 KB allocated, ~30 µs) that would only say "not found". It never answers
/// "absent" for a key it was given; it may answer "maybe" for one it was not (then the store looks
/// it up, as without the filter). Sized at open for ~1 % false positives at twice the key count;
/// beyond that it only grows less useful, never wrong. Single-threaded, like the store.
/// </summary>
internal sealed class KnownKeys
{
    private const int Hashes = 7;
    private readonly ulong[] _bits;
    private readonly ulong _mask;

    public KnownKeys(long expectedKeys)
    {
        // ~10 bits per key at twice the expected count, at least 1 Mbit (128 KB), a power of two.
        var bits = 1L << 20;
        while (bits < expectedKeys * 20 && bits < (1L << 31))
        {
            bits <<= 1;
        }

        _bits = new ulong[bits / 64];
        _mask = (ulong)bits - 1;
    }

    public long Bits => _bits.LongLength * 64;

    public void Add(string key) => Add(Encoding.UTF8.GetBytes(key));

    /// <summary>Adds a key given as its UTF-8 bytes.</summary>
    public void Add(ReadOnlySpan<byte> utf8)
    {
        var (h1, h2) = HashesOf(utf8);
        for (var i = 0UL; i < Hashes; i++)
        {
            var bit = (h1 + (i * h2)) & _mask;
            _bits[bit >> 6] |= 1UL << (int)(bit & 63);
        }
    }

    /// <summary>False only for a key never added.</summary>
    public bool MayContain(string key)
    {
        var (h1, h2) = HashesOf(Encoding.UTF8.GetBytes(key));
        for (var i = 0UL; i < Hashes; i++)
        {
            var bit = (h1 + (i * h2)) & _mask;
            if ((_bits[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    // Double hashing from one 128-bit hash (Kirsch–Mitzenmacher); h2 odd so the probes differ.
    private static (ulong H1, ulong H2) HashesOf(ReadOnlySpan<byte> utf8)
    {
        var hash = XxHash128.HashToUInt128(utf8);
        return ((ulong)hash, (ulong)(hash >> 64) | 1);
    }
}
