using System.Buffers;
using EdgeSync.Agent.Tests.Support;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeSync.Agent.Tests.Fleet;

/// <summary>
/// SPEC §9: a stranger on the broker publishes garbage, truncated, oversized and wrong-version payloads on
/// every fleet topic. No agent crashes, the fleet keeps replicating, and each drop shows in /metrics.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class HostilePayloadTests
{
    [Theory]
    [InlineData(TestBroker.Mosquitto)]
    [InlineData(TestBroker.Embedded)]
    public async Task Hostile_payloads_are_dropped_counted_and_the_fleet_keeps_working(string broker)
    {
        await using var rig = await FleetRig.StartAsync(broker);
        using var stranger = new MqttClientFactory().CreateMqttClient();
        await stranger.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", rig.Broker.Port).WithClientId("mallory").Build());
        var root = $"edgesync/{rig.Fleet}/";

        // A real push to corrupt, and a real heartbeat of n2 to replay under another name.
        var push = await CaptureAsync(stranger, root + "push/n1", () => rig["n1"].Api.PutAsync("real", "1"));
        var heartbeat = await CaptureAsync(stranger, root + "heartbeat/n2", () => Task.CompletedTask);
        var wrongVersion = (byte[])push.Clone();
        wrongVersion[0] = 99;

        async Task Publish(string topic, byte[] payload) =>
            await stranger.PublishBinaryAsync(root + topic, payload, MqttQualityOfServiceLevel.AtLeastOnce);

        await Publish("push/x", [0xFF, 0x00, 0x13, 0x37]);                  // garbage
        await Publish("push/x", push[..(push.Length / 2)]);                 // truncated
        await Publish("push/x", wrongVersion);                              // wrong version
        await Publish("push/x", new byte[(4 * 1024 * 1024) + 1]);           // oversized: dropped by the transport
        await Publish("to/n1/sync/x", [0x01, 0x02]);                        // garbage, directed
        await Publish("to/n1/sync/x", wrongVersion);                        // wrong version, directed
        await Publish("heartbeat/x", [0x42]);                               // garbage heartbeat
        await Publish("heartbeat/x", [99, 0, 1, (byte)'x']);                // wrong-version heartbeat
        await Publish("election/x", [1]);                                   // truncated election message
        await Publish("to/n1/nonsense/x", [1, 2, 3]);                       // a kind nobody speaks
        await Publish("heartbeat/x", heartbeat);                            // well-formed, but speaks for n2

        // Every agent counts its drops: n1 got all of them, n2 and n3 the broadcasts.
        async Task<bool> Counted(FleetMember m, double sync, double fleet, double oversized)
        {
            var text = await m.Api.MetricsAsync();
            return FleetApi.Metric(text, "edgesync_messages_malformed_total", "kind=\"sync\"") >= sync
                && FleetApi.Metric(text, "edgesync_messages_malformed_total", "kind=\"fleet\"") >= fleet
                && FleetApi.Metric(text, "edgesync_mqtt_dropped_total", "reason=\"oversized\"") >= oversized;
        }

        await rig.WaitAsync(() => Counted(rig["n1"], 5, 5, 1), "n1 counts 5 sync and 5 fleet payloads malformed and 1 oversized");
        await rig.WaitAsync(() => Counted(rig["n2"], 3, 3, 1), "n2 counts the broadcast garbage");
        await rig.WaitAsync(() => Counted(rig["n3"], 3, 3, 1), "n3 counts the broadcast garbage");

        // Nobody crashed, and replication still works both ways.
        Assert.All(rig.Members, m => Assert.False(m.Agent.Child.HasExited, $"{m.Id} exited"));
        await rig["n2"].Api.PutAsync("after", "\"still working\"");
        await rig["n3"].Api.PutAsync("after3", "3");
        await rig.WaitConvergedAsync(new Dictionary<string, string[]>
        {
            ["real"] = ["1"],
            ["after"] = ["\"still working\""],
            ["after3"] = ["3"],
        });

        // Exact counts: nothing else was miscounted as malformed.
        var n1 = await rig["n1"].Api.MetricsAsync();
        Assert.Equal(5, FleetApi.Metric(n1, "edgesync_messages_malformed_total", "kind=\"sync\""));
        Assert.Equal(5, FleetApi.Metric(n1, "edgesync_messages_malformed_total", "kind=\"fleet\""));
        Assert.Equal(1, FleetApi.Metric(n1, "edgesync_mqtt_dropped_total", "reason=\"oversized\""));
        Assert.True(FleetApi.Metric(n1, "edgesync_mqtt_messages_received_total", "channel=\"push\"") >= 1);
    }

    private static async Task<byte[]> CaptureAsync(IMqttClient client, string topic, Func<Task> trigger)
    {
        var captured = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task Handler(MqttApplicationMessageReceivedEventArgs e)
        {
            if (e.ApplicationMessage.Topic == topic)
                captured.TrySetResult(e.ApplicationMessage.Payload.ToArray());
            return Task.CompletedTask;
        }

        client.ApplicationMessageReceivedAsync += Handler;
        await client.SubscribeAsync(topic);
        await trigger();
        var payload = await captured.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await client.UnsubscribeAsync(topic);
        client.ApplicationMessageReceivedAsync -= Handler;
        return payload;
    }
}
