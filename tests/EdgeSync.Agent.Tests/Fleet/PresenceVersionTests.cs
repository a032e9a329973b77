using System.Text.Json.Nodes;
using EdgeSync.Agent.Hosting;
using EdgeSync.Agent.Mqtt;
using EdgeSync.Agent.Tests.Support;
using EdgeSync.Core.Sync;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeSync.Agent.Tests.Fleet;

/// <summary>
/// Each node announces its agent version and message formats in its retained presence: /v1/status
/// shows every peer's version (a rolling upgrade shows who runs what), and a member announcing
/// formats this node does not speak gets one clear log line saying why its messages are dropped.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class PresenceVersionTests
{
    [Fact]
    public async Task Peers_versions_show_in_status_and_a_member_speaking_other_formats_is_named_in_the_log()
    {
        await using var rig = await FleetRig.StartAsync(TestBroker.Mosquitto);
        await rig.WaitAsync(async () => (await rig.StatusesAsync()).All(s => Agents(s).Count == 2 && Agents(s).All(a => a == AgentVersion.Text)), $"every node shows both peers on agent {AgentVersion.Text}");

        // A member announces a newer agent that speaks another sync format (as during a rolling upgrade).
        using var upgrader = new MqttClientFactory().CreateMqttClient();
        await upgrader.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", rig.Broker.Port).WithClientId("upgrader").Build());
        var newer = new PresenceInfo("n3", true, "9.9.9", SyncCodec.Version + 1, null);
        await upgrader.PublishBinaryAsync($"edgesync/{rig.Fleet}/presence/n3", newer.ToJson(), MqttQualityOfServiceLevel.AtLeastOnce, retain: true);

        await rig.WaitAsync(async () => Agents(await rig["n1"].Api.StatusAsync()).Contains("9.9.9"), "n1 shows n3's announced agent 9.9.9");
        var expected = $"Fleet member n3 (agent 9.9.9) speaks sync messages version {SyncCodec.Version + 1}, this node {SyncCodec.Version}";
        await rig.WaitAsync(() => Task.FromResult(rig["n1"].Agent.Child.Stderr.Contains(expected, StringComparison.Ordinal)), "n1 logs why n3's messages will be dropped");
        Assert.Equal(1, CountOf(rig["n1"].Agent.Child.Stderr, expected)); // said once, not per message
    }

    private static List<string?> Agents(JsonNode status) =>
        [.. status["peers"]!.AsArray().Select(p => (string?)p!["agent"])];

    private static int CountOf(string text, string what) =>
        text.Split(what).Length - 1;
}
