using EdgeSync.Agent.Mqtt;

namespace EdgeSync.Agent.Tests.Mqtt;

public class BrokerEndpointTests
{
    [Theory]
    [InlineData("mqtt://127.0.0.1:1884", "127.0.0.1", 1884, false)]
    [InlineData("mqtt://broker.local", "broker.local", 1883, false)]
    [InlineData("mqtts://broker.local", "broker.local", 8883, true)]
    [InlineData("mqtts://broker.local:9999/", "broker.local", 9999, true)]
    [InlineData("mqtt://[::1]:1883", "::1", 1883, false)]
    public void Parses_broker_urls(string url, string host, int port, bool tls)
    {
        var endpoint = BrokerEndpoint.Parse(url);
        Assert.Equal(new BrokerEndpoint(host, port, tls), endpoint);
        Assert.Equal(endpoint, BrokerEndpoint.Parse(endpoint.ToString()));
    }

    [Theory]
    [InlineData("", "not a broker URL")]
    [InlineData("broker:1883", "scheme")]
    [InlineData("http://broker:1883", "scheme 'http'")]
    [InlineData("mqtt://user:pw@broker:1883", "credentials")]
    [InlineData("mqtt://broker:1883/topic", "just scheme")]
    public void Names_the_problem_with_a_bad_url(string url, string expected)
    {
        Assert.False(BrokerEndpoint.TryParse(url, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => BrokerEndpoint.Parse(url));
    }
}
