using EdgeSync.Core.Clocks;
using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Tests.Sync;

/// <summary>The Rice-coded fingerprints of a bucket request: any counts and values survive the wire; damage is a FormatException.</summary>
public sealed class BucketRequestCodingTests
{
    private const int PrintCodingLimit = 1 << 21;

    [Fact]
    public void AnyCountsAndPrintsRoundTripSortedPerBucket()
    {
        var random = new Random(4242);
        for (var i = 0; i < 300; i++)
        {
            var buckets = Enumerable.Range(0, MerkleTree.LeafCount).Where(_ => random.Next(40) == 0).Take(64).ToList();
            var counts = buckets.Select(_ => random.Next(4) == 0 ? random.Next(0, 3) : random.Next(0, i < 5 ? 20_000 : 60)).ToList();
            counts[0] = i == 0 ? 70_000 : counts[0]; // more keys than 16-bit values: Rice parameter 0
            var prints = counts.SelectMany(c => Enumerable.Range(0, c).Select(_ => (ushort)(random.Next(8) == 0 ? 7 : random.Next(65536)))).ToList();
            var message = new BucketRequest("f", "a", (uint)i, buckets, counts, prints, VersionVector.Parse("a:3"));

            var decoded = (BucketRequest)SyncCodec.Decode(SyncCodec.Encode(message));

            Assert.Equal(buckets, decoded.Buckets);
            Assert.Equal(counts, decoded.Counts);
            var offset = 0;
            foreach (var count in counts)
            {
                Assert.Equal(prints.Skip(offset).Take(count).Order(), decoded.Prints.Skip(offset).Take(count));
                offset += count;
            }
        }
    }

    [Fact]
    public void TheCodingIsAboutThirteenBitsAPrintForTypicalBuckets()
    {
        var random = new Random(1);
        var counts = Enumerable.Repeat(25, 64).ToList();
        var prints = Enumerable.Range(0, 64 * 25).Select(_ => (ushort)random.Next(65536)).ToList();
        var bytes = SyncCodec.Encode(new BucketRequest("f", "a", 1, [.. Enumerable.Range(0, 64)], counts, prints, VersionVector.Empty));
        Assert.InRange(bytes.Length * 8.0 / prints.Count, 12.5, 14.0);
    }

    [Fact]
    public void DamagedFingerprintBlocksAreFormatExceptions()
    {
        var bytes = SyncCodec.Encode(new BucketRequest("f", "a", 1, [2], [3], [1, 40_000, 65_535], VersionVector.Empty));

        // Every single-byte change of the block either still decodes or is a FormatException.
        for (var at = 6; at < bytes.Length; at++)
        {
            for (var value = 0; value < 256; value++)
            {
                var damaged = (byte[])bytes.Clone();
                damaged[at] = (byte)value;
                try
                {
                    SyncCodec.Decode(damaged);
                }
                catch (FormatException)
                {
                    // refused, as it should be
                }
            }
        }

        // Counts asking for more prints than the block holds are refused (the count byte of a
        // one-bucket request without prints: header 6, salt 4, bucket count and gap, count count).
        var empty = SyncCodec.Encode(new BucketRequest("f", "a", 1, [2], [0], [], VersionVector.Empty));
        Assert.Equal(0, empty[13]);
        empty[13] = 100;
        Assert.Contains("exceed", Assert.Throws<FormatException>(() => SyncCodec.Decode(empty)).Message, StringComparison.Ordinal);

        // More prints than one request may carry: refused when encoding already.
        var tooMany = new BucketRequest("f", "a", 1, [2], [PrintCodingLimit + 1], new ushort[PrintCodingLimit + 1], VersionVector.Empty);
        Assert.Throws<ArgumentException>(() => SyncCodec.Encode(tooMany));
    }
}
