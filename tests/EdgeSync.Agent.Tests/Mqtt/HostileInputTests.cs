using System.Text;
using EdgeSync.Agent.Mqtt;
using EdgeSync.Agent.Tests.Support;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeSync.Agent.Tests.Mqtt;

/// <summary>Strangers on the broker and brokers that speak only MQTT 3.1.1.</summary>
public sealed class HostileInputTests : IAsyncLifetime
{
    private readonly FleetHarness _fleet = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _fleet.DisposeAsync();

    [Theory]
    [InlineData(TestBroker.Mosquitto)]
    [InlineData(TestBroker.Embedded)]
    public async Task Garbage_and_oversized_publishes_are_dropped_and_counted(string kind)
    {
        var broker = _fleet.Own(await TestBroker.StartAsync(kind));
        var node = await _fleet.ConnectedAsync("a", broker.Endpoint);
        using var stranger = new MqttClientFactory().CreateMqttClient();
        await stranger.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("stranger").Build());
        var root = $"edgesync/{_fleet.Fleet}/";

        async Task Publish(string topic, byte[] payload) =>
            await stranger.PublishBinaryAsync(topic, payload, MqttQualityOfServiceLevel.AtLeastOnce);

        await Publish(root + "push/mallory/extra", [1]);                     // matches no subscription: the broker filters it
        await Publish(root + "to/a/sync-req/mallory/extra", [1]);            // malformed topic (too deep)
        await Publish(root + "to/a/sync-req", [1]);                          // directed without a sender
        await Publish(root + "push/mallory", new byte[64 * 1024 + 1]);      // oversized
        await Publish(root + "presence/mallory", Encoding.UTF8.GetBytes("{\"status\":"));  // truncated JSON
        await Publish(root + "presence/mallory", new PresenceInfo("a", false).ToJson());   // lies about who it is
        await Publish(root + "probe/a", [1, 2]);                             // fake probe (not a number)
        await Publish(root + "push/mallory", [0xEE]);                        // well-formed: passed on (codec judges the bytes)

        var passed = await Eventually.ReadAsync(node.Inbox, m => m.Channel == FleetChannel.Push, "the well-formed message arrives after the garbage",
            details: () => $"({node.Stats}){Environment.NewLine}{_fleet.Logs}");
        Assert.Equal("mallory", passed.From);
        Assert.Equal(2, node.Stats.Dropped(DropReason.MalformedTopic));
        Assert.Equal(1, node.Stats.Dropped(DropReason.Oversized));
        Assert.Equal(2, node.Stats.Dropped(DropReason.MalformedPayload));
        Assert.Equal(1, node.Stats.Dropped(DropReason.Misaddressed));
        Assert.True(node.IsConnected);
        Assert.Equal(1, node.Stats.Connects); // nothing tore the connection down
    }

    [Fact]
    public async Task Falls_back_to_mqtt_311_when_the_broker_refuses_version_5_and_still_talks_to_v5_peers()
    {
        var broker = _fleet.Own(new EmbeddedBroker(configure: server => server.ValidatingConnectionAsync += e =>
        {
            if (e.ProtocolVersion == MqttProtocolVersion.V500 && e.ClientId == "old")
                e.ReasonCode = MqttConnectReasonCode.UnsupportedProtocolVersion;
            return Task.CompletedTask;
        }));
        await broker.StartAsync();
        var old = await _fleet.ConnectedAsync("old", broker.Endpoint);
        var modern = await _fleet.ConnectedAsync("modern", broker.Endpoint);
        Assert.Equal(MqttProtocolVersion.V311, old.CurrentProtocol);
        Assert.Equal(MqttProtocolVersion.V500, modern.CurrentProtocol);
        Assert.Equal(1, old.Stats.ProtocolFallbacks);

        Assert.True(await old.PublishPushAsync(new byte[] { 1 }));
        Assert.True(await modern.SendDirectAsync("old", "sync-req", new byte[] { 2 }));
        await Eventually.ReadAsync(modern.Inbox, m => m.Channel == FleetChannel.Push && m.From == "old", "v5 peer gets the 3.1.1 push");
        await Eventually.ReadAsync(old.Inbox, m => m.Channel == FleetChannel.Direct && m.From == "modern", "3.1.1 node gets the directed message");
        await Eventually.TrueAsync(() => old.Stats.OwnEchoes >= 1, "3.1.1 echoes of its own push are skipped, not delivered");
        Assert.Equal(0, old.Stats.ReceivedMessages(FleetChannel.Push));
    }

    [Fact]
    public async Task Publishing_without_a_broker_fails_fast()
    {
        var nowhere = new BrokerEndpoint("127.0.0.1", 1, false);
        var node = _fleet.Start("a", nowhere);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(await node.PublishPushAsync(new byte[] { 1 }));
        Assert.False(await node.SendDirectAsync("b", "sync-req", new byte[] { 1 }));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"refusing two publishes took {clock.Elapsed} (a connect attempt would take its timeout)");
        Assert.Equal(2, node.Stats.Dropped(DropReason.NotConnected));
        Assert.False(await node.PublishPushAsync(new byte[64 * 1024 + 1]));
        Assert.Equal(1, node.Stats.Dropped(DropReason.OutgoingOversized));
        await Eventually.TrueAsync(() => node.Stats.ConnectFailures >= 2, "it keeps retrying with backoff");
    }

    [Fact]
    public void Bad_options_are_refused_with_the_key_named()
    {
        var options = FleetHarness.Options("bad/fleet", "a b", []);
        var error = Assert.Throws<ArgumentException>(() => new MqttFleetConnection(options, TimeProvider.System, new Random(1)));
        Assert.Contains("Fleet:Name", error.Message, StringComparison.Ordinal);
        Assert.Contains("Node:Id", error.Message, StringComparison.Ordinal);
        Assert.Contains("Mqtt:Brokers", error.Message, StringComparison.Ordinal);
    }
}
