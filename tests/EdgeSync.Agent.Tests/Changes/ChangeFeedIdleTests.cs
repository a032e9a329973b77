using EdgeSync.Agent.Changes;
using EdgeSync.Agent.Storage;
using EdgeSync.Core.Store;
using Microsoft.Extensions.Time.Testing;

namespace EdgeSync.Agent.Tests.Changes;

/// <summary>The feed keeps its ring while readers ask, and lets it go once none has asked for a while.</summary>
public sealed class ChangeFeedIdleTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15); // how often a connected reader asks at the least

    [Fact]
    public async Task A_reader_that_keeps_asking_keeps_the_ring_and_one_back_after_the_idle_time_is_told_of_the_gap()
    {
        var time = new FakeTimeProvider();
        using var service = new ReplicaService(new Replica("n1", new InMemoryReplicaStorage(), new StoreOptions(), TimeProvider.System));
        using var feed = new ChangeFeed(service, capacity: 1000, maxBytes: 1_000_000, time);
        var position = feed.Watch();

        // A reader connected for twice the idle time, asking at each keep-alive: nothing is let go.
        var written = 0;
        for (var elapsed = TimeSpan.Zero; elapsed < 2 * ChangeFeed.IdleAfter; elapsed += KeepAlive)
        {
            await WriteAsync(service, feed, $"k/{++written:D3}");
            time.Advance(KeepAlive);
            (_, _, _, position) = feed.After(position);
        }

        var (events, gap, _, _) = feed.After(0);
        Assert.False(gap, "a reader asked at every keep-alive, so the ring was kept");
        Assert.Equal(written, events.Count);

        // Then nobody asks for the idle time: the ring is let go at the next change, and that one is only counted.
        time.Advance(ChangeFeed.IdleAfter);
        await WriteAsync(service, feed, "k/late");
        (events, gap, _, position) = feed.After(written);
        Assert.True(gap, "the ring was let go, so a reader resuming before its end must re-list");
        Assert.Empty(events);
        Assert.Equal(written + 1, position);

        // Asking again brings the ring back for the changes after it.
        await WriteAsync(service, feed, "k/again");
        (events, gap, _, _) = feed.After(position);
        Assert.False(gap);
        Assert.Equal("k/again", Assert.Single(events).Key);
    }

    private static async Task WriteAsync(ReplicaService service, ChangeFeed feed, string key)
    {
        var before = feed.Last;
        await service.WriteAsync(r => r.Put(key, "1", null));

        // The feed hears of a batch just after its writers are acknowledged.
        Assert.True(SpinWait.SpinUntil(() => feed.Last == before + 1, Deadline), $"the feed did not see the write of {key}");
    }
}
