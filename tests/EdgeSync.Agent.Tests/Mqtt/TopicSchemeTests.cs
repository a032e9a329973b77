using EdgeSync.Agent.Mqtt;

namespace EdgeSync.Agent.Tests.Mqtt;

public class TopicSchemeTests
{
    private readonly TopicScheme _topics = new("lab");

    [Fact]
    public void Builds_readable_topics_under_the_fleet_root()
    {
        Assert.Equal("edgesync/lab/push/pi1", _topics.Push("pi1"));
        Assert.Equal("edgesync/lab/to/pi2/sync-req/pi1", _topics.Direct("pi2", "sync-req", "pi1"));
        Assert.Equal("edgesync/lab/presence/pi1", _topics.Presence("pi1"));
        Assert.Equal("edgesync/lab/heartbeat/pi1", _topics.Heartbeat("pi1"));
        Assert.Equal("edgesync/lab/election/pi1", _topics.Election("pi1"));
        Assert.Equal("edgesync/lab/stable", _topics.Stable);
        Assert.Equal("edgesync/lab/#", _topics.All);
    }

    [Fact]
    public void Every_built_topic_parses_back()
    {
        Assert.True(_topics.TryParse(_topics.Push("pi1"), out var push));
        Assert.Equal(new FleetTopic(FleetChannel.Push, "pi1"), push);
        Assert.True(_topics.TryParse(_topics.Direct("pi2", "sync-req", "pi1"), out var direct));
        Assert.Equal(new FleetTopic(FleetChannel.Direct, "pi1", "pi2", "sync-req"), direct);
        Assert.True(_topics.TryParse(_topics.Stable, out var stable));
        Assert.Equal(FleetChannel.Stable, stable.Channel);
        Assert.True(_topics.TryParse(_topics.Probe("pi1"), out var probe));
        Assert.Equal(new FleetTopic(FleetChannel.Probe, "pi1"), probe);
        foreach (var (filter, _) in _topics.SubscriptionsFor("pi1"))
            Assert.StartsWith("edgesync/lab/", filter, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("edgesync/other/push/pi1")]
    [InlineData("edgesync/lab/push")]
    [InlineData("edgesync/lab/push/pi1/extra")]
    [InlineData("edgesync/lab/push/")]
    [InlineData("edgesync/lab/push/pi 1")]
    [InlineData("edgesync/lab/to/pi2/sync-req")]
    [InlineData("edgesync/lab/to/pi2//pi1")]
    [InlineData("edgesync/lab/nonsense/pi1")]
    [InlineData("edgesync/lab/leader/pi1")]
    [InlineData("edgesync/lab/leader")]
    [InlineData("edgesync/lab")]
    [InlineData("")]
    [InlineData(null)]
    public void Rejects_topics_outside_the_scheme(string? topic) => Assert.False(_topics.TryParse(topic, out _));

    [Theory]
    [InlineData("a/b")]
    [InlineData("+")]
    [InlineData("#")]
    [InlineData("")]
    public void Refuses_names_that_would_break_topic_levels(string bad)
    {
        Assert.Throws<ArgumentException>(() => new TopicScheme(bad));
        Assert.Throws<ArgumentException>(() => _topics.Push(bad));
        Assert.Throws<ArgumentException>(() => _topics.Direct("pi1", bad, "pi2"));
    }
}
