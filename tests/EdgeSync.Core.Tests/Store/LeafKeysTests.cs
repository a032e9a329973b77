using System.Text;
using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Tests.Store;

public sealed class LeafKeysTests
{
    [Fact]
    public void Holds_exactly_the_keys_set_and_not_removed_each_in_its_bucket_with_its_last_digest()
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var random = new Random(seed);
            var leaves = new LeafKeys();
            var reference = new Dictionary<string, ulong>(StringComparer.Ordinal);
            // Few distinct keys, so sets repeat (replacing digests) and removals hit; non-ASCII and long keys included.
            string Key() => random.Next(4) switch
            {
                0 => $"k/{random.Next(300)}",
                1 => $"ключ/{random.Next(50)}/😀",
                2 => new string('x', 400 + random.Next(100)),
                _ => $"s/{random.Next(20000)}",
            };

            for (var step = 0; step < 3000; step++)
            {
                var key = Key();
                var utf8 = Encoding.UTF8.GetBytes(key);
                var bucket = MerkleTree.BucketOf(key);
                if (random.Next(3) == 0)
                {
                    Assert.Equal(reference.Remove(key), leaves.Remove(bucket, utf8));
                }
                else
                {
                    var digest = (ulong)random.NextInt64();
                    leaves.Set(bucket, utf8, digest);
                    reference[key] = digest;
                }
            }

            Assert.Equal(reference.Count, leaves.Count);
            var listed = Enumerable.Range(0, MerkleTree.LeafCount).SelectMany(b =>
            {
                var entries = leaves.Entries(b);
                Assert.All(entries, e => Assert.Equal(b, MerkleTree.BucketOf(e.Key)));
                return entries;
            }).ToList();
            Assert.Equal(
                reference.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (e.Key, e.Value)),
                listed.OrderBy(e => e.Key, StringComparer.Ordinal)); // each once, with the digest set last
        }
    }

    [Fact]
    public void Costs_about_the_keys_bytes_and_a_digest_and_no_object_per_key()
    {
        var leaves = new LeafKeys();
        for (var i = 0; i < 100_000; i++)
        {
            var key = $"sensors/{i:D7}"; // 15 bytes each
            leaves.Set(MerkleTree.BucketOf(key), Encoding.UTF8.GetBytes(key), (ulong)i);
        }

        Assert.Equal(100_000, leaves.Count);
        Assert.InRange(leaves.Bytes, 100_000 * 25, 100_000 * 25 * 2 + (MerkleTree.LeafCount * 64));
    }
}
