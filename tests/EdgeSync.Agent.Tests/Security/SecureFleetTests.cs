using System.Globalization;
using System.Net;
using EdgeSync.Agent.Security;
using EdgeSync.Agent.Tests.Http;
using EdgeSync.Agent.Tests.Process;
using EdgeSync.Agent.Tests.Support;
using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Agent.Tests.Security;

/// <summary>
/// Two real agents on a real Mosquitto with TLS (test-made CA), a password file and an ACL: the right
/// key and credentials replicate; a broker account without the fleet key, publishing on the fleet's
/// topics, changes nothing and is counted; a wrong broker password leaves a node isolated, alive, and
/// saying why.
/// </summary>
public sealed class SecureFleetTests : IAsyncLifetime
{
    private const string FleetKey = "correct horse battery staple";
    private readonly TempDir _dir = new();
    private SecureMosquitto _broker = null!;

    public async Task InitializeAsync() => _broker = await SecureMosquitto.StartAsync(_dir.Path, "n1", "n2", "n3", "intruder");

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Keyed_fleet_over_tls_replicates_and_drops_what_a_keyless_client_publishes()
    {
        await using var n1 = await StartAsync("n1", SecureMosquitto.PasswordOf("n1"));
        await using var n2 = await StartAsync("n2", SecureMosquitto.PasswordOf("n2"));

        Assert.Equal(HttpStatusCode.OK, (await Api.PutAsync(n1.Http, "plant/temp", "21.5")).Status);
        await EventuallyFound(n2, "plant/temp", "21.5");

        // Forged as n3 (whose dots nobody has seen yet), so an authentic copy would be applied.
        // The intruder is a valid broker user allowed on the fleet's topics, but has no fleet key.
        var forged = Forge("n3", "evil/unkeyed", "666");
        var wrongKey = new MessageAuthenticator("not the fleet key at all", SecureMosquitto.Fleet).Seal(Forge("n3", "evil/wrong-key", "666"));
        var rightKey = new MessageAuthenticator(FleetKey, SecureMosquitto.Fleet).Seal(Forge("n3", "good/sealed", "7"));
        foreach (var (name, bytes) in new[] { ("bare", forged), ("wrong", wrongKey), ("right", rightKey) })
        {
            var file = Path.Combine(_dir.Path, name + ".bin");
            await File.WriteAllBytesAsync(file, bytes);
            var (exit, output) = await _broker.PublishAsync("intruder", $"edgesync/{SecureMosquitto.Fleet}/push/intruder", file);
            Assert.True(exit == 0, $"mosquitto_pub failed: {output}");
        }

        // The control (sealed with the right key) arrives, so the two forgeries were delivered too and refused.
        await EventuallyFound(n2, "good/sealed", "7");
        await EventuallyFound(n1, "good/sealed", "7");
        foreach (var node in new[] { n1, n2 })
        {
            await Eventually.TrueAsync(
                async () => await Dropped(node, "unauthenticated") >= 2,
                "both forgeries counted as unauthenticated:",
                TimeSpan.FromSeconds(10),
                () => node.Http.GetStringAsync("metrics"));

            Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync(node.Http, "evil/unkeyed")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync(node.Http, "evil/wrong-key")).Status);
        }

        // A wrong broker password: the node stays up, isolated, and says why once in its log.
        await using var n3 = await StartAsync("n3", "wrong password");
        await Eventually.TrueAsync(() => n3.Child.Stderr.Contains("refused the connection", StringComparison.Ordinal), "a clear log line about the refusal", details: () => n3.Child.Stderr);
        var status = (await Api.SendAsync(n3.Http, HttpMethod.Get, "v1/status")).Body;
        Assert.False(status.GetProperty("broker").GetProperty("connected").GetBoolean());
        Assert.Equal("isolated", status.GetProperty("partition").GetString());
        Assert.False(n3.Child.HasExited);
        Assert.True(n3.Child.Stderr.Contains("NotAuthorized", StringComparison.Ordinal) || n3.Child.Stderr.Contains("BadUserNameOrPassword", StringComparison.Ordinal), n3.Child.Stderr);
    }

    private Task<AgentProcess> StartAsync(string node, string password)
    {
        var env = new Dictionary<string, string>
        {
            ["EDGESYNC_Fleet__Name"] = SecureMosquitto.Fleet,
            ["EDGESYNC_Fleet__Members"] = "n1,n2,n3",
            ["EDGESYNC_Fleet__Key"] = FleetKey,
            ["EDGESYNC_Fleet__HeartbeatInterval"] = "200ms",
            ["EDGESYNC_Sync__AntiEntropyInterval"] = "1s",
            ["EDGESYNC_Mqtt__Brokers"] = _broker.Url,
            ["EDGESYNC_Mqtt__CaFile"] = _broker.Certs.CaFile,
            ["EDGESYNC_Mqtt__Username"] = node,
            ["EDGESYNC_Mqtt__Password"] = password,
            ["EDGESYNC_Store__Engine"] = "memory",
        };
        return AgentProcess.StartAsync(Path.Combine(_dir.Path, node), node, env);
    }

    /// <summary>A well-formed push that claims to come from <paramref name="origin"/>.</summary>
    private static byte[] Forge(string origin, string key, string json)
    {
        var replica = new Replica(origin, new InMemoryReplicaStorage(), new StoreOptions(), TimeProvider.System);
        var written = replica.Put(key, json, null);
        return SyncCodec.Encode(new PushMessage(SecureMosquitto.Fleet, origin, written.State!));
    }

    internal static Task EventuallyFound(AgentProcess node, string key, string json)
    {
        var last = string.Empty;
        return Eventually.TrueAsync(
            async () =>
            {
                var (status, body, _) = await Api.GetAsync(node.Http, key);
                last = $"{status} {body}";
                return status == HttpStatusCode.OK && Api.Values(body).Contains(json);
            },
            $"{key} = {json} did not reach {node.DataDir}:",
            TimeSpan.FromSeconds(20),
            () => Task.FromResult(last));
    }

    internal static async Task<double> Dropped(AgentProcess node, string reason)
    {
        var text = await node.Http.GetStringAsync("metrics");
        var prefix = $"edgesync_mqtt_dropped_total{{reason=\"{reason}\"}} ";
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[prefix.Length..], CultureInfo.InvariantCulture);
    }
}
