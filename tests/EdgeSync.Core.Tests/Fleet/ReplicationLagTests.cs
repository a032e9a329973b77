using EdgeSync.Core.Clocks;
using EdgeSync.Core.Fleet;
using Microsoft.Extensions.Time.Testing;

namespace EdgeSync.Core.Tests.Fleet;

public sealed class ReplicationLagTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_peer_with_everything_we_have_is_not_behind()
    {
        var lag = new ReplicationLag(_time);
        lag.Sample(V("a:5;b:2"));
        _time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal((0, TimeSpan.Zero), lag.Of(V("a:5;b:2")));
        Assert.Equal((0, TimeSpan.Zero), lag.Of(V("a:9;b:2;c:1")));
    }

    [Fact]
    public void Lag_is_dated_from_the_first_sample_holding_what_the_peer_lacks()
    {
        var lag = new ReplicationLag(_time);
        lag.Sample(V("a:5"));
        _time.Advance(TimeSpan.FromSeconds(1));
        lag.Sample(V("a:7")); // t = 1 s: the peer below has only a:5
        _time.Advance(TimeSpan.FromSeconds(1));
        lag.Sample(V("a:7;b:3"));
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal((5, TimeSpan.FromSeconds(3)), lag.Of(V("a:5")));
        Assert.Equal((3, TimeSpan.FromSeconds(2)), lag.Of(V("a:7")));
        Assert.Equal((10, TimeSpan.FromSeconds(4)), lag.Of(null)); // never heard: behind on everything
    }

    [Fact]
    public void A_silent_peers_lag_keeps_growing_and_catching_up_clears_it()
    {
        var lag = new ReplicationLag(_time);
        lag.Sample(V("a:1"));
        lag.Sample(V("a:2"));
        var stale = V("a:1");
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(10), lag.Of(stale).Lag);
        _time.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(TimeSpan.FromSeconds(60), lag.Of(stale).Lag);

        Assert.Equal((0, TimeSpan.Zero), lag.Of(V("a:2")));
    }

    [Fact]
    public void Trimming_keeps_what_dates_a_lagging_peer_and_drops_what_all_have()
    {
        var lag = new ReplicationLag(_time);
        lag.Sample(V("a:1"));
        _time.Advance(TimeSpan.FromSeconds(1));
        lag.Sample(V("a:2"));
        _time.Advance(TimeSpan.FromSeconds(1));
        lag.Sample(V("a:3"));
        _time.Advance(TimeSpan.FromSeconds(1));

        lag.Trim([V("a:3"), V("a:1")]);
        Assert.Equal((2, TimeSpan.FromSeconds(2)), lag.Of(V("a:1")));

        lag.Trim([V("a:3"), V("a:3")]);
        Assert.Equal((0, TimeSpan.Zero), lag.Of(V("a:3")));
        _time.Advance(TimeSpan.FromSeconds(1));
        lag.Sample(V("a:4"));
        Assert.Equal((1, TimeSpan.Zero), lag.Of(V("a:3")));
    }

    [Fact]
    public void Samples_are_bounded()
    {
        var lag = new ReplicationLag(_time);
        for (var i = 1; i <= ReplicationLag.MaxSamples + 10; i++)
        {
            lag.Sample(V($"a:{i}"));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        // The oldest samples are gone: the lag of a peer stuck at the start reads as the window kept.
        var (behind, age) = lag.Of(V("a:0"));
        Assert.Equal(ReplicationLag.MaxSamples + 10, behind);
        Assert.Equal(TimeSpan.FromSeconds(ReplicationLag.MaxSamples), age);
    }

    private static VersionVector V(string text) => VersionVector.Parse(text);
}
