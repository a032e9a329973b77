using EdgeSync.Agent.Changes;
using EdgeSync.Agent.Storage;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Tests.Changes;

/// <summary>The ring behind /v1/changes is bounded by count and by bytes; a reader behind it is told of the gap.</summary>
public sealed class ChangeFeedRingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_ring_keeps_the_newest_changes_within_its_byte_budget_and_reports_the_gap()
    {
        using var service = new ReplicaService(new Replica("n1", new InMemoryReplicaStorage(), new StoreOptions(), TimeProvider.System));
        using var feed = new ChangeFeed(service, capacity: 1000, maxBytes: 2000);
        feed.Watch(); // a reader is there from the start
        var value = "\"" + new string('v', 200) + "\"";
        for (var i = 0; i < 40; i++)
        {
            await service.WriteAsync(r => r.Put($"k/{i:D2}", value, null));
        }

        // The feed hears of a batch just after its writers are acknowledged.
        Assert.True(SpinWait.SpinUntil(() => feed.Last == 40, Deadline), $"the feed saw {feed.Last} of 40 changes");

        var (events, gap, _, _) = feed.After(0);
        Assert.True(gap, "changes 1.. were dropped, so a reader from 0 must re-list");
        Assert.InRange(events.Count, 2, 10); // ~400 bytes each in a 2,000-byte budget
        Assert.Equal(40, feed.Last);
        Assert.Equal(Enumerable.Range(41 - events.Count, events.Count).Select(n => (long)n), events.Select(e => e.Seq));
        Assert.Equal("k/39", events[^1].Key);
        Assert.True(events.Sum(e => e.Frame.Length) <= 2000);
    }

    [Fact]
    public async Task A_change_that_cannot_be_rendered_leaves_a_gap_every_earlier_reader_is_told_of()
    {
        using var service = new ReplicaService(new Replica("n1", new InMemoryReplicaStorage(), new StoreOptions(), TimeProvider.System));
        using var feed = new ChangeFeed(
            service,
            capacity: 1000,
            maxBytes: 1_000_000,
            render: (scratch, seq, change, at) => change.Key == "bad" ? throw new InvalidOperationException("cannot render") : ChangeFrame.Render(scratch, seq, change, at));
        feed.Watch(); // a reader is there from the start
        var reported = new List<Exception>();
        service.ListenerFailed += reported.Add;

        await service.WriteAsync(r => r.Put("a", "1", null));
        Assert.True(SpinWait.SpinUntil(() => feed.Last == 1, Deadline), "the feed saw the first change");
        await service.WriteAsync(r => r.Put("bad", "2", null));
        await service.WriteAsync(r => r.Put("c", "3", null));
        Assert.True(SpinWait.SpinUntil(() => feed.Last == 3, Deadline), $"the feed saw {feed.Last} of 3 changes");

        // Readers that had not yet seen the hole (change 2) must re-list; one past it loses nothing.
        Assert.True(feed.After(0).Gap);
        Assert.True(feed.After(1).Gap);
        var (events, gap, _, _) = feed.After(2);
        Assert.False(gap);
        Assert.Equal("c", Assert.Single(events).Key);

        Assert.Equal(1, service.ListenerFailures);
        Assert.Contains("cannot render", Assert.Single(reported).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ring_keeps_the_newest_change_even_when_it_alone_exceeds_the_budget()
    {
        using var service = new ReplicaService(new Replica("n1", new InMemoryReplicaStorage(), new StoreOptions(), TimeProvider.System));
        using var feed = new ChangeFeed(service, capacity: 1000, maxBytes: 100);
        feed.Watch(); // a reader is there from the start
        await service.WriteAsync(r => r.Put("big", "\"" + new string('v', 500) + "\"", null));
        Assert.True(SpinWait.SpinUntil(() => feed.Last == 1, Deadline), "the feed saw the change");

        var (events, gap, _, _) = feed.After(0);
        Assert.False(gap);
        Assert.Equal("big", Assert.Single(events).Key);
    }

    [Fact]
    public async Task A_reader_resumes_exactly_after_its_number_once_the_ring_has_wrapped()
    {
        using var service = new ReplicaService(new Replica("n1", new InMemoryReplicaStorage(), new StoreOptions(), TimeProvider.System));
        using var feed = new ChangeFeed(service, capacity: 100, maxBytes: 1_000_000);
        feed.Watch(); // a reader is there from the start
        for (var i = 1; i <= 150; i++)
        {
            await service.WriteAsync(r => r.Put($"k/{i:D3}", "1", null));
        }

        Assert.True(SpinWait.SpinUntil(() => feed.Last == 150, Deadline), $"the feed saw {feed.Last} of 150 changes");

        var (events, gap, _, _) = feed.After(120);
        Assert.False(gap);
        Assert.Equal(Enumerable.Range(121, 30).Select(n => (long)n), events.Select(e => e.Seq));
        Assert.Equal(Enumerable.Range(121, 30).Select(n => $"k/{n:D3}"), events.Select(e => e.Key));

        (events, gap, _, _) = feed.After(50); // change 51 is the oldest kept
        Assert.False(gap);
        Assert.Equal(Enumerable.Range(51, 100).Select(n => (long)n), events.Select(e => e.Seq));

        (events, gap, _, var position) = feed.After(49);
        Assert.True(gap, "change 50 is gone");
        Assert.Equal(100, events.Count);
        Assert.Equal(50, position);
        Assert.False(feed.After(position).Gap, "a reader is told of a gap once");

        (events, gap, _, _) = feed.After(150);
        Assert.False(gap);
        Assert.Empty(events);
    }
}
