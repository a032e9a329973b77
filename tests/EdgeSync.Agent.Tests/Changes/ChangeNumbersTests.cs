using EdgeSync.Agent.Changes;
using EdgeSync.Agent.Storage;
using EdgeSync.Agent.Tests.Process;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Tests.Changes;

/// <summary>Change numbers never repeat across restarts of a data directory, so a stale <c>since</c> always means a gap.</summary>
public sealed class ChangeNumbersTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_start_begins_above_every_number_an_earlier_start_handed_out()
    {
        var first = new ChangeNumbers(_dir.Path);
        first.Reserve(first.Start + 5);
        Assert.True(new ChangeNumbers(_dir.Path).Start >= first.Start + 5);

        // Crossing a block reserves the next one before its numbers are used.
        var second = new ChangeNumbers(_dir.Path, block: 10);
        second.Reserve(second.Start + 17);
        Assert.True(new ChangeNumbers(_dir.Path).Start >= second.Start + 17);
    }

    [Theory]
    [InlineData("not a number")]
    [InlineData("-5")]
    [InlineData("9223372036854775000")] // past what a JSON reader holds exactly
    public void A_damaged_or_absurd_file_starts_afresh_and_is_rewritten(string content)
    {
        _dir.File(ChangeNumbers.FileName, content);
        var numbers = new ChangeNumbers(_dir.Path);
        Assert.InRange(numbers.Start, 1, ChangeNumbers.FreshRange);
        Assert.True(new ChangeNumbers(_dir.Path).Start > numbers.Start, "the first start reserved a block");
    }

    [Fact]
    public void New_or_wiped_directories_start_at_random_points_far_apart()
    {
        // A wiped directory cannot know what its predecessor handed out. Starting where the old one
        // did would put a returning reader's number inside the new range, and it would skip changes.
        var starts = new List<long>();
        for (var i = 0; i < 8; i++)
        {
            using var dir = new TempDir();
            var numbers = new ChangeNumbers(dir.Path);
            Assert.InRange(numbers.Start, 1, ChangeNumbers.FreshRange);
            starts.Add(numbers.Start);
        }

        // Eight uniform draws below 2^50 all within a million of another: odds ~10^-7.
        starts.Sort();
        Assert.Contains(starts.Zip(starts.Skip(1)), pair => pair.Second - pair.First > ChangeNumbers.Block);
    }

    [Fact]
    public void Without_a_data_directory_numbers_start_at_zero_and_nothing_is_written()
    {
        var numbers = new ChangeNumbers(dataDir: null, block: 10);
        numbers.Reserve(35);
        Assert.Equal(0, numbers.Start);
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public async Task A_reader_with_a_number_from_before_a_restart_is_told_of_a_gap_and_then_gets_the_new_changes()
    {
        long before;
        var numbers = new ChangeNumbers(_dir.Path);
        using (var service = NewService())
        using (var feed = new ChangeFeed(service, capacity: 100, maxBytes: 1_000_000, numbers: numbers))
        {
            feed.Watch();
            await service.WriteAsync(r => r.Put("a", "1", null));
            await service.WriteAsync(r => r.Put("b", "2", null));
            Assert.True(SpinWait.SpinUntil(() => feed.Last == numbers.Start + 2, Deadline), $"the feed saw {feed.Last - numbers.Start} of 2 changes");
            before = feed.Last;
        }

        // The next process: its ring starts empty and its numbers start above the old ones.
        using var restarted = NewService();
        using var next = new ChangeFeed(restarted, capacity: 100, maxBytes: 1_000_000, numbers: new ChangeNumbers(_dir.Path));
        await restarted.WriteAsync(r => r.Put("c", "3", null));
        Assert.True(SpinWait.SpinUntil(() => next.Last > before, Deadline), "the restarted feed counted its change");

        var (events, gap, _, position) = next.After(before);
        Assert.True(gap, "changes made after the reader left, and before this process had a reader, are not in the ring: it must re-list");
        Assert.Empty(events);

        await restarted.WriteAsync(r => r.Put("d", "4", null));
        Assert.True(SpinWait.SpinUntil(() => next.After(position).Events.Count > 0, Deadline), "the reader gets the next change");
        (events, gap, _, _) = next.After(position);
        Assert.False(gap);
        Assert.Equal("d", Assert.Single(events).Key);
        Assert.True(events[0].Seq > before + 1);
    }

    [Fact]
    public async Task A_feed_nobody_has_read_counts_changes_without_rendering_them()
    {
        using var service = NewService();
        var rendered = 0;
        using var feed = new ChangeFeed(service, capacity: 100, maxBytes: 1_000_000, render: (scratch, seq, change, at) =>
        {
            Interlocked.Increment(ref rendered);
            return ChangeFrame.Render(scratch, seq, change, at);
        });
        await service.WriteAsync(r => r.Put("a", "1", null));
        await service.WriteAsync(r => r.Put("b", "2", null));
        Assert.True(SpinWait.SpinUntil(() => feed.Last == 2, Deadline), $"the feed counted {feed.Last} of 2 changes");
        Assert.Equal(0, Volatile.Read(ref rendered));

        // A reader arriving "from now" gets what follows, rendered.
        var since = feed.Watch();
        Assert.Equal(2, since);
        await service.WriteAsync(r => r.Put("c", "3", null));
        Assert.True(SpinWait.SpinUntil(() => feed.Last == 3, Deadline), "the feed saw the third change");
        var (events, gap, _, _) = feed.After(since);
        Assert.False(gap);
        Assert.Equal("c", Assert.Single(events).Key);
        Assert.Equal(1, Volatile.Read(ref rendered));
        Assert.True(feed.After(0).Gap, "a number from before the first reader is behind the ring");
    }

    [Fact]
    public async Task A_number_ahead_of_the_feed_is_a_gap_and_the_reader_goes_on_from_the_feeds_latest()
    {
        using var service = NewService();
        using var feed = new ChangeFeed(service, capacity: 100, maxBytes: 1_000_000);
        feed.Watch();
        await service.WriteAsync(r => r.Put("a", "1", null));
        Assert.True(SpinWait.SpinUntil(() => feed.Last == 1, Deadline), "the feed saw the change");

        // e.g. a number from the feed of a data directory that was since wiped
        var (events, gap, _, position) = feed.After(500);
        Assert.True(gap);
        Assert.Empty(events);
        Assert.Equal(1, position);

        await service.WriteAsync(r => r.Put("b", "2", null));
        Assert.True(SpinWait.SpinUntil(() => feed.Last == 2, Deadline), "the feed saw the second change");
        (events, gap, _, _) = feed.After(position);
        Assert.False(gap);
        Assert.Equal("b", Assert.Single(events).Key);
    }

    [Fact]
    public async Task When_numbers_cannot_be_reserved_the_changes_are_still_shown_and_the_failure_is_reported()
    {
        using var service = NewService();
        var reported = new List<Exception>();
        service.ListenerFailed += reported.Add;
        var numbers = new ChangeNumbers(_dir.Path, block: 10);
        using var feed = new ChangeFeed(service, capacity: 100, maxBytes: 1_000_000, numbers: numbers);
        feed.Watch();

        // The next reservation's temporary file cannot be created: a directory stands in its way.
        Directory.CreateDirectory(Path.Combine(_dir.Path, ChangeNumbers.FileName + ".tmp"));
        const int many = 15; // past the first block of 10: one failed reservation, then this process goes on with the next block
        for (var i = 0; i < many; i++)
        {
            await service.WriteAsync(r => r.Put($"k/{i}", "1", null));
        }

        Assert.True(SpinWait.SpinUntil(() => feed.Last == numbers.Start + many, Deadline), $"the feed saw {feed.Last - numbers.Start} of {many} changes");

        var (events, gap, _, _) = feed.After(numbers.Start + many - 3);
        Assert.False(gap);
        Assert.Equal(3, events.Count);
        Assert.Equal(1, service.ListenerFailures);
        Assert.Contains(ChangeNumbers.FileName, Assert.Single(reported).Message, StringComparison.Ordinal);
    }

    private static ReplicaService NewService() =>
        new(new Replica("n1", new InMemoryReplicaStorage(), new StoreOptions(), TimeProvider.System));
}
