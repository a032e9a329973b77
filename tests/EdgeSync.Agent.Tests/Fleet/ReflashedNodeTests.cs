using System.Globalization;
using System.Net;
using EdgeSync.Agent.Tests.Http;
using EdgeSync.Agent.Tests.Process;
using EdgeSync.Agent.Tests.Security;
using EdgeSync.Agent.Tests.Support;

namespace EdgeSync.Agent.Tests.Fleet;

/// <summary>
/// A member that comes back with an empty data directory under its old node id (a reflashed card)
/// writes under a new actor, so its new writes are not mistaken for the old ones its peers hold:
/// before actor ids, its first write reused version (n1, 1), the peer kept its old value for ever
/// and the fleet never converged.
/// </summary>
public sealed class ReflashedNodeTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly MosquittoBroker _broker = new();
    private AgentProcess? _running; // stopped here too when an assertion fails midway

    public Task InitializeAsync() => _broker.StartAsync();

    public async Task DisposeAsync()
    {
        if (_running is not null)
        {
            await _running.DisposeAsync();
        }

        await _broker.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_node_back_with_an_empty_store_writes_under_a_new_actor_and_the_fleet_converges()
    {
        var n1Dir = Path.Combine(_dir.Path, "n1");
        await using var n2 = await StartAsync(Path.Combine(_dir.Path, "n2"), "n2", _broker.Port);
        var n1 = _running = await StartAsync(n1Dir, "n1", _broker.Port);
        var oldActor = await Api.ActorAsync(n1.Http);
        Assert.StartsWith("n1.", oldActor, StringComparison.Ordinal);
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Api.PutAsync(n1.Http, $"k/{i}", i.ToString(CultureInfo.InvariantCulture))).Status);
        }

        await SecureFleetTests.EventuallyFound(n2, "k/3", "3");
        Assert.Equal(0, await n1.StopAsync());
        await n1.DisposeAsync();
        _running = null;

        // The card is reflashed: same node id, nothing on disk. It comes up with no broker in reach
        // and takes blind writes before it has heard of anything it wrote before.
        Directory.Delete(n1Dir, recursive: true);
        n1 = _running = await StartAsync(n1Dir, "n1", FreePort.Next());
        var newActor = await Api.ActorAsync(n1.Http);
        Assert.NotEqual(oldActor, newActor);
        Assert.Equal(HttpStatusCode.OK, (await Api.PutAsync(n1.Http, "k/1", "\"after reflash\"")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Api.PutAsync(n1.Http, "k/new", "\"new\"")).Status);
        Assert.Equal(0, await n1.StopAsync());
        await n1.DisposeAsync();
        _running = null;

        // Back on the fleet's broker, with the same store: the actor is kept, and both nodes end with
        // both writes of k/1 (concurrent: the reflashed node had not seen the old one) and k/new.
        await using var n1Back = await StartAsync(n1Dir, "n1", _broker.Port);
        Assert.Equal(newActor, await Api.ActorAsync(n1Back.Http));
        foreach (var node in new[] { n1Back, n2 })
        {
            await SecureFleetTests.EventuallyFound(node, "k/new", "\"new\"");
            await Eventually.TrueAsync(
                async () => Api.Values((await Api.GetAsync(node.Http, "k/1")).Body).Order(StringComparer.Ordinal).SequenceEqual(["\"after reflash\"", "1"]),
                $"k/1 holds both writes on port {node.Port}",
                TimeSpan.FromSeconds(30),
                () => Task.FromResult(n1Back.Child.Stderr + n2.Child.Stderr));
            await SecureFleetTests.EventuallyFound(node, "k/2", "2");
        }

        var vector = (await Api.SendAsync(n2.Http, HttpMethod.Get, "v1/status")).Body.GetProperty("versionVector");
        Assert.Equal(3, vector.GetProperty(oldActor).GetInt64());
        Assert.Equal(2, vector.GetProperty(newActor).GetInt64());
    }

    private static Task<AgentProcess> StartAsync(string dir, string node, int brokerPort) =>
        AgentProcess.StartAsync(dir, node, new Dictionary<string, string>
        {
            ["EDGESYNC_Fleet__Name"] = "reflash",
            ["EDGESYNC_Fleet__Members"] = "n1,n2",
            ["EDGESYNC_Fleet__HeartbeatInterval"] = "200ms",
            ["EDGESYNC_Sync__AntiEntropyInterval"] = "1s",
            ["EDGESYNC_Mqtt__Brokers"] = $"mqtt://127.0.0.1:{brokerPort}",
        });
}
