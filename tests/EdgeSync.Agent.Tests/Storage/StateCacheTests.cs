using EdgeSync.Agent.Storage;

namespace EdgeSync.Agent.Tests.Storage;

public sealed class StateCacheTests
{
    [Fact]
    public void Keeps_the_most_recently_used_within_its_entry_bound()
    {
        var cache = new StateCache(maxEntries: 2, maxBytes: 1000);
        cache.Put("a", [1]);
        cache.Put("b", [2]);
        Assert.True(cache.TryGet("a", out _)); // a is now the most recent
        cache.Put("c", [3]);

        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("a", out var a) && a[0] == 1);
        Assert.True(cache.TryGet("c", out var c) && c[0] == 3);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Stays_within_its_byte_bound_and_skips_what_alone_exceeds_it()
    {
        var cache = new StateCache(maxEntries: 100, maxBytes: 10);
        cache.Put("a", new byte[6]);
        cache.Put("b", new byte[6]);
        Assert.False(cache.TryGet("a", out _));
        Assert.Equal(6, cache.Bytes);

        cache.Put("huge", new byte[11]);
        Assert.False(cache.TryGet("huge", out _));
        Assert.True(cache.TryGet("b", out _));
    }

    [Fact]
    public void A_put_replaces_and_a_remove_forgets()
    {
        var cache = new StateCache(maxEntries: 10, maxBytes: 100);
        cache.Put("k", [1, 1]);
        cache.Put("k", [2]);
        Assert.True(cache.TryGet("k", out var k) && k is [2]);
        Assert.Equal(1, cache.Bytes);

        cache.Remove("k");
        Assert.False(cache.TryGet("k", out _));
        Assert.Equal(0, cache.Bytes);
        Assert.Equal(0, cache.Count);
    }
}
