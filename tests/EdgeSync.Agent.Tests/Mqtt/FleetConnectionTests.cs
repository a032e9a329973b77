using EdgeSync.Agent.Emulation;
using EdgeSync.Agent.Mqtt;
using EdgeSync.Agent.Tests.Support;

namespace EdgeSync.Agent.Tests.Mqtt;

/// <summary>The transport against a real Mosquitto and the embedded broker, on loopback.</summary>
public sealed class FleetConnectionTests : IAsyncLifetime
{
    private readonly FleetHarness _fleet = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _fleet.DisposeAsync();

    private async Task<TestBroker> BrokerAsync(string kind) => _fleet.Own(await TestBroker.StartAsync(kind));

    private static bool IsPush(FleetMessage m, string from, byte tag) =>
        m.Channel == FleetChannel.Push && m.From == from && m.Payload.Span[0] == tag;

    [Theory]
    [InlineData(TestBroker.Mosquitto)]
    [InlineData(TestBroker.Embedded)]
    public async Task Broadcasts_reach_every_peer_and_directed_messages_only_their_target(string kind)
    {
        var broker = await BrokerAsync(kind);
        var a = await _fleet.ConnectedAsync("a", broker.Endpoint);
        var b = await _fleet.ConnectedAsync("b", broker.Endpoint);
        var c = await _fleet.ConnectedAsync("c", broker.Endpoint);

        Assert.True(await a.PublishPushAsync(new byte[] { 1, 2, 3 }));
        Assert.Equal([1, 2, 3], (await Eventually.ReadAsync(b.Inbox, m => IsPush(m, "a", 1), "b gets a's push")).Payload.ToArray());
        await Eventually.ReadAsync(c.Inbox, m => IsPush(m, "a", 1), "c gets a's push");

        Assert.True(await a.SendDirectAsync("b", "sync-req", new byte[] { 42 }));
        Assert.True(await c.SendDirectAsync("a", "sync-resp", new byte[] { 43 }));
        var direct = await Eventually.ReadAsync(b.Inbox, m => m.Channel == FleetChannel.Direct, "b gets the directed message");
        Assert.Equal(new FleetTopic(FleetChannel.Direct, "a", "b", "sync-req"), direct.Topic);
        var reply = await Eventually.ReadAsync(a.Inbox, m => m.Channel == FleetChannel.Direct, "a gets c's reply");
        Assert.Equal(43, reply.Payload.Span[0]);

        // A marker broadcast after the directed messages: c sees it without having seen b's message.
        Assert.True(await b.PublishHeartbeatAsync(new byte[] { 9 }));
        await Eventually.ReadAsync(c.Inbox, m => m.Channel == FleetChannel.Heartbeat && m.From == "b", "c gets b's heartbeat");
        Assert.Equal(0, c.Stats.ReceivedMessages(FleetChannel.Direct));
        Assert.Equal(0, a.Stats.ReceivedMessages(FleetChannel.Push)); // no echo of its own push
        Assert.Equal(1, a.Stats.SentMessages(FleetChannel.Push));
        Assert.Equal(3, a.Stats.SentBytes(FleetChannel.Push));
        await Eventually.TrueAsync(() => a.Stats.ReceivedMessages(FleetChannel.Probe) > 0, "a's probes come back through the broker");

        // The round trip is recorded by the prober after it wakes, a moment after the echo is counted.
        await Eventually.TrueAsync(() => a.Stats.LastProbeRoundTrip > TimeSpan.Zero, "a records a probe's round trip");
        Assert.Equal(0, a.Stats.LivenessFailures);
    }

    [Theory]
    [InlineData(TestBroker.Mosquitto)]
    [InlineData(TestBroker.Embedded)]
    public async Task Presence_is_retained_and_the_last_will_announces_a_dead_link(string kind)
    {
        var broker = await BrokerAsync(kind);
        var cable = _fleet.Own(new Cable(broker.Port));
        var a = await _fleet.ConnectedAsync("a", new BrokerEndpoint("127.0.0.1", cable.Port, false));

        // b arrives later and still learns that a is online: the presence is retained.
        var b = await _fleet.ConnectedAsync("b", broker.Endpoint);
        var online = await Eventually.ReadAsync(b.Inbox, m => m.Channel == FleetChannel.Presence && m.From == "a", "b sees a's retained presence");
        Assert.True(online.Retained);
        Assert.True(PresenceInfo.TryParse(online.Payload.Span, out var p1) && p1!.Online);

        cable.Cut(); // a's connection is reset: the broker publishes a's last will
        await Eventually.ReadAsync(b.Inbox, m => IsPresence(m, "a", online: false), "b sees a's last will");

        // a reconnects by itself and says online again (after the will: a's new session comes later).
        await Eventually.ReadAsync(b.Inbox, m => IsPresence(m, "a", online: true), "b sees a online again");
        await Eventually.TrueAsync(() => a.IsConnected && a.Stats.Connects >= 2, "a counts its new connection");

        // A clean stop says offline itself (a clean DISCONNECT suppresses the last will).
        await a.StopAsync();
        await Eventually.ReadAsync(b.Inbox, m => IsPresence(m, "a", online: false), "b sees a's goodbye");
        Assert.False(a.IsConnected);
    }

    /// <summary>A presence message from <paramref name="node"/> saying online or offline (under load a
    /// reconnect may add an extra "online" before the will arrives: waiting for the state, not the next message).</summary>
    private static bool IsPresence(FleetMessage m, string node, bool online) =>
        m.Channel == FleetChannel.Presence && m.From == node && PresenceInfo.TryParse(m.Payload.Span, out var p) && p!.Online == online;

    [Theory]
    [InlineData(TestBroker.Mosquitto)]
    [InlineData(TestBroker.Embedded)]
    public async Task A_silently_pulled_cable_is_detected_and_the_node_recovers_after_replug(string kind)
    {
        var broker = await BrokerAsync(kind);
        var cable = _fleet.Own(new Cable(broker.Port));
        var a = await _fleet.ConnectedAsync("a", new BrokerEndpoint("127.0.0.1", cable.Port, false));
        var b = await _fleet.ConnectedAsync("b", broker.Endpoint);
        var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        a.Disconnected += (_, reason) => lost.TrySetResult(reason);

        var pulledAt = System.Diagnostics.Stopwatch.StartNew();
        cable.Pull();
        var reason = await lost.Task.WaitAsync(TimeSpan.FromSeconds(5));
        // Bound: one probe interval plus the probe timeout (0.2 + 0.6 s), plus scheduling slack.
        Assert.True(pulledAt.Elapsed < TimeSpan.FromSeconds(3), $"detected after {pulledAt.Elapsed}");
        Assert.Contains("probe", reason, StringComparison.Ordinal);
        Assert.False(a.IsConnected);
        Assert.Equal(1, a.Stats.LivenessFailures);
        Assert.False(await a.PublishPushAsync(new byte[] { 5 })); // fails fast, no waiting for a link
        Assert.Equal(1, a.Stats.Dropped(DropReason.NotConnected));

        cable.Plug();
        await Eventually.TrueAsync(() => a.IsConnected, "a reconnects after re-plug");
        // b is not the node under test: on a loaded machine its own 0.6 s probe may time out and it
        // reconnects meanwhile (the CI once caught it so), so its publish is retried until it goes out.
        await Eventually.TrueAsync(() => b.PublishPushAsync(new byte[] { 7 }), "b publishes", details: () => Task.FromResult($"{b.Stats}{Environment.NewLine}{_fleet.Logs}"));
        await Eventually.ReadAsync(a.Inbox, m => IsPush(m, "b", 7), "a receives again");
    }

    [Theory]
    [InlineData(TestBroker.Mosquitto)]
    [InlineData(TestBroker.Embedded)]
    public async Task After_a_broker_restart_clients_reconnect_and_resubscribe(string kind)
    {
        var broker = await BrokerAsync(kind);
        var a = await _fleet.ConnectedAsync("a", broker.Endpoint);
        var b = await _fleet.ConnectedAsync("b", broker.Endpoint);

        await broker.KillAsync();
        await Eventually.TrueAsync(() => !a.IsConnected && !b.IsConnected, "both notice the broker is gone");
        Assert.False(await b.PublishPushAsync(new byte[] { 1 }));

        await broker.StartAsync(); // same port, no sessions: they must subscribe again
        await Eventually.TrueAsync(() => a.IsConnected && b.IsConnected, "both reconnect");
        Assert.True(await b.PublishPushAsync(new byte[] { 2 }));
        await Eventually.ReadAsync(a.Inbox, m => IsPush(m, "b", 2), "a receives on the fresh broker");
        Assert.True(a.Stats.Connects >= 2 && a.Stats.Disconnects >= 1);
    }

    [Theory]
    [InlineData(TestBroker.Mosquitto)]
    [InlineData(TestBroker.Embedded)]
    public async Task Fails_over_to_the_next_broker_when_the_first_is_down(string kind)
    {
        var dead = await BrokerAsync(kind);
        await dead.KillAsync();
        var live = await BrokerAsync(kind);
        var a = await _fleet.ConnectedAsync("a", dead.Endpoint, live.Endpoint);
        var b = await _fleet.ConnectedAsync("b", live.Endpoint);
        Assert.Equal(live.Endpoint, a.CurrentBroker);
        Assert.True(a.Stats.ConnectFailures >= 1);
        Assert.True(await b.PublishPushAsync(new byte[] { 3 }));
        await Eventually.ReadAsync(a.Inbox, m => IsPush(m, "b", 3), "a receives through the second broker");
    }
}
