using CsCheck;
using EdgeSync.Core.Clocks;
using Microsoft.Extensions.Time.Testing;

namespace EdgeSync.Core.Tests.Clocks;

public class HybridLogicalClockTests
{
    private static readonly DateTimeOffset Today = new(2026, 11, 27, 4, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Now_follows_the_wall_clock_when_it_moves_forward()
    {
        var time = new FakeTimeProvider(Today);
        var clock = new HybridLogicalClock(time, HybridTimestamp.Zero);
        Assert.Equal(new HybridTimestamp(Today.ToUnixTimeMilliseconds(), 0), clock.Now());
        Assert.Equal(new HybridTimestamp(Today.ToUnixTimeMilliseconds(), 1), clock.Now());
        time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(new HybridTimestamp(Today.ToUnixTimeMilliseconds() + 5, 0), clock.Now());
        Assert.Equal(0, clock.AheadOfWallMs);
    }

    [Fact]
    public void Stays_monotonic_when_the_wall_clock_jumps_back_to_1970()
    {
        var time = new SettableTimeProvider(Today);
        var clock = new HybridLogicalClock(time, HybridTimestamp.Zero);
        var before = clock.Now();
        time.Now = DateTimeOffset.UnixEpoch.AddSeconds(3);
        var after = clock.Now();
        Assert.True(after > before);
        Assert.Equal(before.WallMs, after.WallMs);
        Assert.True(clock.AheadOfWallMs > 50L * 365 * 24 * 3600 * 1000);
    }

    [Fact]
    public void Observe_moves_past_a_remote_timestamp_ahead_of_us()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddMinutes(1)); // booted without RTC
        var clock = new HybridLogicalClock(time, HybridTimestamp.Zero);
        var remote = new HybridTimestamp(Today.ToUnixTimeMilliseconds(), 7);
        clock.Observe(remote);
        Assert.True(clock.Last > remote);
        Assert.True(clock.Now() > remote);
        clock.Observe(remote);
        Assert.True(clock.Last > remote);
    }

    [Fact]
    public void Observe_of_an_old_timestamp_still_ticks()
    {
        var time = new FakeTimeProvider(Today);
        var clock = new HybridLogicalClock(time, HybridTimestamp.Zero);
        var last = clock.Now();
        clock.Observe(new HybridTimestamp(5, 0));
        Assert.True(clock.Last > last);
    }

    [Fact]
    public void A_restart_from_the_persisted_reading_never_goes_backwards()
    {
        var time = new FakeTimeProvider(Today);
        var first = new HybridLogicalClock(time, HybridTimestamp.Zero);
        first.Observe(new HybridTimestamp(Today.ToUnixTimeMilliseconds() + 60_000, 3)); // a peer far ahead
        var persisted = first.Now();

        // Power cut, reboot without RTC: the new process's wall clock reads 1970.
        var second = new HybridLogicalClock(new FakeTimeProvider(DateTimeOffset.UnixEpoch), persisted);
        Assert.True(second.Now() > persisted);
    }

    /// <summary>One random event: the wall clock jumps by DeltaMs, then the clock reads or observes.</summary>
    private sealed record ClockEvent(long DeltaMs, bool Observe, HybridTimestamp Remote);

    [Fact]
    public void Every_reading_is_strictly_increasing_and_past_everything_observed() =>
        Gen.Select(Gen.Long[-5_000, 5_000], Gen.Bool, ClockGens.Timestamp)
            .Select(t => new ClockEvent(t.Item1, t.Item2, t.Item3))
            .Array[1, 60]
            .Sample(events =>
            {
                var time = new SettableTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
                var clock = new HybridLogicalClock(time, HybridTimestamp.Zero);
                var previous = HybridTimestamp.Zero;
                var highestSeen = HybridTimestamp.Zero;
                foreach (var e in events)
                {
                    time.Advance(e.DeltaMs);
                    var wall = time.GetUtcNow().ToUnixTimeMilliseconds();
                    HybridTimestamp reading;
                    if (e.Observe)
                    {
                        clock.Observe(e.Remote);
                        highestSeen = HybridTimestamp.Max(highestSeen, e.Remote);
                        reading = clock.Last;
                    }
                    else
                    {
                        reading = clock.Now();
                    }

                    Assert.True(reading > previous, $"{reading} is not after {previous}");
                    Assert.True(reading > highestSeen, $"{reading} is not after observed {highestSeen}");
                    Assert.True(reading.WallMs >= wall, "a reading is never behind the wall clock");
                    previous = reading;

                    // A restart from the persisted reading continues from there.
                    var restarted = new HybridLogicalClock(time, reading);
                    Assert.True(restarted.Now() > reading);
                }
            }, iter: 300);

    [Fact]
    public void Timestamps_order_by_wall_then_logical() =>
        Gen.Select(ClockGens.Timestamp, ClockGens.Timestamp).Sample((a, b) =>
        {
            var expected = a.WallMs != b.WallMs ? a.WallMs.CompareTo(b.WallMs) : a.Logical.CompareTo(b.Logical);
            Assert.Equal(Math.Sign(expected), Math.Sign(a.CompareTo(b)));
            Assert.Equal(-Math.Sign(expected), Math.Sign(b.CompareTo(a)));
            Assert.Equal(expected < 0, a < b);
            Assert.Equal(expected >= 0, a >= b);
            Assert.Equal(expected == 0, a == b);
            Assert.Equal(expected >= 0 ? a : b, HybridTimestamp.Max(a, b));
        }, iter: 500);
}
