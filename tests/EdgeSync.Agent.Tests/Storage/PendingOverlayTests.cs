using EdgeSync.Agent.Storage;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Tests.Storage;

/// <summary>
/// The LiteDB store answers queries from LiteDB overlaid with changes still in memory (the open
/// batch, committed ones waiting for a flush, the ones being flushed on another thread). Random
/// operations run against it and the in-memory reference storage; after every step every query
/// must answer the same, wherever the changes happen to be at that moment.
/// </summary>
public sealed class PendingOverlayTests : IDisposable
{
    private static readonly string[] Origins = ["n1", "n2", "n10"];
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_query_matches_the_reference_wherever_the_changes_are(int seed)
    {
        var random = new Random(seed);
        var reference = new InMemoryReplicaStorage();
        var path = _dir.File("replica.db");
        var store = LiteDbReplicaStorage.Open(path);
        var seq = 0L;
        var flushes = 0L;
        try
        {
            for (var step = 0; step < 2500; step++)
            {
                var key = $"p{random.Next(3)}/k{random.Next(1200):D4}";
                if (random.Next(8) == 0)
                {
                    reference.Remove(key);
                    store.Remove(key);
                }
                else
                {
                    var origin = Origins[random.Next(Origins.Length)];
                    seq++;
                    // The concurrent sibling is from another origin: one origin never writes two versions
                    // under one sequence number, nor two concurrent versions of one key.
                    var other = Origins[(Array.IndexOf(Origins, origin) + 1) % Origins.Length];
                    var state = random.Next(6) == 0
                        ? States.Make(key, (origin, seq, seq, null))
                        : States.Make(key, (origin, seq, seq, $"{seq}"), (other, 1, random.Next(1, 50), "other"));
                    reference.Save(state);
                    store.Save(state);
                }

                if (random.Next(4) == 0)
                {
                    reference.Commit();
                    store.Commit();
                }

                if (random.Next(600) == 0)
                {
                    store.FlushToLiteDb();
                }

                if (random.Next(1000) == 0)
                {
                    reference.Commit();
                    store.Commit();
                    flushes += store.Flushes;
                    store.Dispose();
                    store = LiteDbReplicaStorage.Open(path);
                }

                if (step % 50 == 0 || step == 2499)
                {
                    AssertSame(reference, store, random, $"seed {seed}, step {step}");
                }
            }

            Assert.True(flushes + store.Flushes >= 3, "the changes never went through background flushes");
        }
        finally
        {
            store.Dispose();
        }
    }

    [Fact]
    public void Queries_made_while_a_large_flush_is_in_progress_match_the_reference()
    {
        // One flush of 30k keys takes seconds: every query in between reads LiteDB while the flush's
        // transaction is open on another thread, with the keys still in the overlay.
        var reference = new InMemoryReplicaStorage();
        using var store = LiteDbReplicaStorage.Open(_dir.File("large.db"));
        for (var i = 0; i < 30000; i++)
        {
            var state = States.Make($"k/{i:D6}", (i % 3 == 0 ? "n1" : "n2", i + 1, i + 1, $"{i}"));
            store.Save(state);
            reference.Save(state);
        }

        store.Commit();
        reference.Commit();
        var checks = 0;
        var mismatches = new List<string>();
        var random = new Random(1);
        while (store.PendingKeys > 0 && checks < 2000)
        {
            checks++;
            var after = random.Next(0, 30000);
            var origin = random.Next(2) == 0 ? "n1" : "n2";
            var e = reference.UpdatesAfter(origin, after).Order().ToList();
            var a = store.UpdatesAfter(origin, after).Order().ToList();
            if (!e.SequenceEqual(a))
            {
                mismatches.Add($"updates {origin} {after}: {e.Count} vs {a.Count}");
            }

            var start = $"k/{random.Next(30000):D6}";
            var el = reference.List("k/", start, 50).Select(x => x.Key).ToList();
            var al = store.List("k/", start, 50).Select(x => x.Key).ToList();
            if (!el.SequenceEqual(al))
            {
                mismatches.Add($"list {start}: {el.Count} vs {al.Count}");
            }
        }

        Assert.True(checks > 5, $"only {checks} checks ran during the flush");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} mismatches in {checks} checks: {string.Join("; ", mismatches.Take(10))}");
    }

    private static void AssertSame(IReplicaStorage expected, IReplicaStorage actual, Random random, string where)
    {
        Assert.True(Encoded(expected.LoadAll()).SequenceEqual(Encoded(actual.LoadAll())), $"LoadAll differs at {where}");
        Assert.Equal(expected.DeletedKeys().Order(StringComparer.Ordinal), actual.DeletedKeys().Order(StringComparer.Ordinal));
        foreach (var origin in Origins)
        {
            var after = random.Next(0, 2000);
            Assert.Equal(expected.UpdatesAfter(origin, after).Order(), actual.UpdatesAfter(origin, after).Order());
        }

        var prefix = random.Next(3) switch { 0 => "p1/", 1 => "p2/k05", _ => string.Empty };
        var startAfter = random.Next(2) == 0 ? null : $"p{random.Next(3)}/k{random.Next(1200):D4}";
        var limit = random.Next(1, 300);
        Assert.True(Encoded(expected.List(prefix, startAfter, limit)).SequenceEqual(Encoded(actual.List(prefix, startAfter, limit))),
            $"List('{prefix}', '{startAfter}', {limit}) differs at {where}");

        var probe = $"p{random.Next(3)}/k{random.Next(1200):D4}";
        Assert.Equal(expected.Load(probe) is { } e ? Convert.ToHexString(KeyStateCodec.Encode(e)) : null,
            actual.Load(probe) is { } a ? Convert.ToHexString(KeyStateCodec.Encode(a)) : null);
    }

    private static IEnumerable<string> Encoded(IEnumerable<KeyState> states) => states.Select(s => Convert.ToHexString(KeyStateCodec.Encode(s)));
}
