using EdgeSync.Agent.Storage;
using EdgeSync.Core.Sync;

namespace EdgeSync.Agent.Tests.Storage;

public sealed class BucketKeysTests
{
    [Fact]
    public void Holds_exactly_the_keys_added_and_not_removed_each_in_its_merkle_bucket()
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var random = new Random(seed);
            var buckets = new BucketKeys();
            var reference = new HashSet<string>(StringComparer.Ordinal);
            // Few distinct keys, so adds repeat and removals hit; non-ASCII and long keys included.
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
                if (random.Next(3) == 0)
                {
                    Assert.Equal(reference.Remove(key), buckets.Remove(key));
                }
                else
                {
                    // "Surely new" is only ever claimed for a key that is not there (the store's filter guarantees it).
                    buckets.Add(key, surelyNew: !reference.Contains(key) && random.Next(2) == 0);
                    reference.Add(key);
                }
            }

            Assert.Equal(reference.Count, buckets.Count);
            var listed = Enumerable.Range(0, MerkleTree.LeafCount).SelectMany(b =>
            {
                var keys = buckets.Keys(b);
                Assert.All(keys, k => Assert.Equal(b, MerkleTree.BucketOf(k)));
                return keys;
            }).ToList();
            Assert.Equal(reference.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal)); // each once
        }
    }

    [Fact]
    public void Costs_about_the_keys_bytes_and_no_object_per_key()
    {
        var buckets = new BucketKeys();
        for (var i = 0; i < 100_000; i++)
        {
            buckets.Add($"sensors/{i:D7}", surelyNew: true); // 15 bytes each
        }

        Assert.Equal(100_000, buckets.Count);
        Assert.InRange(buckets.Bytes, 100_000 * 17, 100_000 * 17 * 2 + (MerkleTree.LeafCount * 64));
    }
}
