namespace EdgeSync.Core.Sync;

/// <summary>
/// The wire form of a bucket request's 16-bit fingerprints: per bucket, sorted (their order
/// carries no meaning) and Golomb-Rice coded as gaps, with the Rice parameter derived from the
/// bucket's count, then padded to a byte. About 13 bits a print instead of 16 for the usual ~25
/// keys a bucket. Decoding checks every bound and throws <see cref="FormatException"/>.
/// </summary>
internal static class PrintCoding
{
    public const int MaxPrints = 1 << 21;

    private const int Range = 1 << 16;

    public static void Write(BinaryWriter writer, IReadOnlyList<int> counts, IReadOnlyList<ushort> prints)
    {
        if (counts.Sum(c => (long)c) != prints.Count || prints.Count > MaxPrints)
        {
            throw new ArgumentException($"The per-bucket counts do not add up to the fingerprints, or there are more than {MaxPrints}.", nameof(counts));
        }

        var bits = new BitWriter();
        var offset = 0;
        foreach (var count in counts)
        {
            var k = RiceParameter(count);
            var previous = 0;
            foreach (var print in prints.Skip(offset).Take(count).Order())
            {
                var gap = print - previous;
                previous = print;
                bits.Ones(gap >> k);
                bits.Bits(gap, k);
            }

            offset += count;
        }

        var bytes = bits.ToArray();
        writer.Write7BitEncodedInt(bytes.Length);
        writer.Write(bytes);
    }

    /// <summary>Reads the prints of <paramref name="counts"/> buckets, in bucket order and sorted within each bucket.</summary>
    public static List<ushort> Read(BinaryReader reader, IReadOnlyList<int> counts)
    {
        var length = reader.Read7BitEncodedInt();
        var left = reader.BaseStream.Length - reader.BaseStream.Position;
        if (length < 0 || length > left)
        {
            throw new FormatException($"Bad fingerprint block length {length}.");
        }

        // Every print takes at least one bit, so the counts cannot ask for more than that; and
        // no sane request holds more than MaxPrints (64 buckets of 32k keys: a 134M-key store).
        var total = counts.Sum(c => (long)c);
        if (total > length * 8L || total > MaxPrints)
        {
            throw new FormatException("Bucket request counts exceed its fingerprints.");
        }

        var bits = new BitReader(reader.ReadBytes(length));
        var prints = new List<ushort>((int)total);
        foreach (var count in counts)
        {
            var k = RiceParameter(count);
            var previous = 0;
            for (var i = 0; i < count; i++)
            {
                var value = previous + (bits.Ones(Range >> k) << k) + bits.Bits(k);
                previous = value < Range ? value : throw new FormatException("Fingerprint out of range.");
                prints.Add((ushort)value);
            }
        }

        bits.EndOfBlock();
        return prints;
    }

    /// <summary>log2 of the mean gap between <paramref name="count"/> random 16-bit values.</summary>
    private static int RiceParameter(int count) => count <= 1 ? 15 : Math.Max(0, 31 - int.LeadingZeroCount(Range / Math.Min(count, Range)));

    private sealed class BitWriter
    {
        private readonly List<byte> _bytes = [];
        private int _used = 8;

        public void Ones(int n)
        {
            for (var i = 0; i < n; i++)
            {
                Bit(1);
            }

            Bit(0);
        }

        public void Bits(int value, int width)
        {
            for (var i = width - 1; i >= 0; i--)
            {
                Bit((value >> i) & 1);
            }
        }

        public byte[] ToArray() => [.. _bytes];

        private void Bit(int bit)
        {
            if (_used == 8)
            {
                _bytes.Add(0);
                _used = 0;
            }

            _bytes[^1] |= (byte)(bit << (7 - _used));
            _used++;
        }
    }

    private sealed class BitReader(byte[] bytes)
    {
        private long _position;

        /// <summary>A unary count: ones up to a zero, at most <paramref name="max"/> of them.</summary>
        public int Ones(int max)
        {
            var n = 0;
            while (Bit() == 1)
            {
                n = ++n <= max ? n : throw new FormatException("Fingerprint gap out of range.");
            }

            return n;
        }

        public int Bits(int width)
        {
            var value = 0;
            for (var i = 0; i < width; i++)
            {
                value = (value << 1) | Bit();
            }

            return value;
        }

        /// <summary>Only zero padding may follow, and only up to the next byte.</summary>
        public void EndOfBlock()
        {
            if ((_position + 7) / 8 != bytes.Length)
            {
                throw new FormatException("Trailing bytes after the fingerprints.");
            }

            while (_position % 8 != 0)
            {
                if (Bit() != 0)
                {
                    throw new FormatException("Non-zero padding after the fingerprints.");
                }
            }
        }

        private int Bit()
        {
            if (_position >= bytes.Length * 8L)
            {
                throw new FormatException("The fingerprints are truncated.");
            }

            var bit = (bytes[_position / 8] >> (7 - (int)(_position % 8))) & 1;
            _position++;
            return bit;
        }
    }
}
