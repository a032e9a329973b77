using System.Net;
using EdgeSync.Agent.Tests.Http;
using EdgeSync.Agent.Tests.Process;
using EdgeSync.Agent.Tests.Support;

namespace EdgeSync.Agent.Tests.Security;

/// <summary>
/// A node whose LiteDB file is found corrupt at start-up moves it aside, starts empty, re-seeds from
/// its peers under a new actor (so it cannot reuse its own old update numbers, which its peers would
/// drop as already seen), and refuses local writes until it has heard from every other member.
/// </summary>
public sealed class CorruptStoreRecoveryTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly MosquittoBroker _broker = new();

    public Task InitializeAsync() => _broker.StartAsync();

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_corrupt_store_is_moved_aside_and_re_seeded_from_peers_without_reusing_its_sequence_numbers()
    {
        var n1Dir = Path.Combine(_dir.Path, "n1");
        var n2Dir = Path.Combine(_dir.Path, "n2");
        var n1 = await StartAsync(n1Dir, "n1");
        var n2 = await StartAsync(n2Dir, "n2");
        var oldActor = await Api.ActorAsync(n1.Http);
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Api.PutAsync(n1.Http, $"k/{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).Status);
        }

        Assert.Equal(HttpStatusCode.OK, (await Api.PutAsync(n2.Http, "m/1", "\"from n2\"")).Status);
        await SecureFleetTests.EventuallyFound(n2, "k/5", "5");
        await SecureFleetTests.EventuallyFound(n1, "m/1", "\"from n2\"");

        // Stop both, n2 first: an answer n2 sent after n1 stopped would wait in n1's broker session
        // and re-seed n1 the moment it restarts, before the checks below. Then damage n1's file
        // (the whole file overwritten with garbage, size kept).
        Assert.Equal(0, await n2.StopAsync());
        await n2.DisposeAsync();
        Assert.Equal(0, await n1.StopAsync());
        await n1.DisposeAsync();
        var db = Path.Combine(n1Dir, "replica.db");
        var garbage = new byte[new FileInfo(db).Length];
        new Random(7).NextBytes(garbage);
        await File.WriteAllBytesAsync(db, garbage);

        // n1 alone: it starts (empty), says what happened, and refuses writes — n2 has not answered.
        n1 = await StartAsync(n1Dir, "n1");
        await using var n1Final = n1;
        Assert.Single(Directory.GetFiles(n1Dir, "replica.db.corrupt-*"));
        Assert.Contains("was corrupt", n1.Child.Stderr, StringComparison.Ordinal);
        var store = (await Api.SendAsync(n1.Http, HttpMethod.Get, "v1/status")).Body.GetProperty("store");
        Assert.True(store.GetProperty("recovering").GetBoolean());
        Assert.Equal(["n2"], store.GetProperty("awaiting").EnumerateArray().Select(m => m.GetString()));
        Assert.Contains("moved corrupt file to", store.GetProperty("recovered").GetString(), StringComparison.Ordinal);
        var refused = await Api.PutAsync(n1.Http, "k/new", "6");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
        Assert.Equal("store_recovering", refused.Body.GetProperty("error").GetString());
        Assert.Contains("waiting for n2", refused.Body.GetProperty("message").GetString(), StringComparison.Ordinal);
        var batch = await Api.SendAsync(n1.Http, HttpMethod.Post, "v1/batch", """{"writes":[{"key":"k/new","value":7}]}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, batch.Status);
        Assert.Equal("store_recovering", batch.Body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync(n1.Http, "k/new")).Status);

        // n2 comes back: n1 re-seeds, the fence lifts, and a new write of n1 reaches n2 (a reused
        // sequence number would be dropped there as already seen).
        await using var n2Again = await StartAsync(n2Dir, "n2");
        for (var i = 1; i <= 5; i++)
        {
            await SecureFleetTests.EventuallyFound(n1, $"k/{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await SecureFleetTests.EventuallyFound(n1, "m/1", "\"from n2\"");
        await Eventually.TrueAsync(() => !File.Exists(Path.Combine(n1Dir, "replica.recovering")), "the fence lifts", TimeSpan.FromSeconds(20), () => n1.Child.Stderr);
        Assert.Equal(HttpStatusCode.OK, (await Api.PutAsync(n1.Http, "k/new", "6")).Status);
        await SecureFleetTests.EventuallyFound(n2Again, "k/new", "6");
        var status = (await Api.SendAsync(n1.Http, HttpMethod.Get, "v1/status")).Body;
        Assert.False(status.GetProperty("store").GetProperty("recovering").GetBoolean());
        Assert.False(status.GetProperty("store").TryGetProperty("awaiting", out _));
        var actor = status.GetProperty("actor").GetString()!;
        Assert.NotEqual(oldActor, actor);
        Assert.Equal(5, status.GetProperty("versionVector").GetProperty(oldActor).GetInt64());
        Assert.Equal(1, status.GetProperty("versionVector").GetProperty(actor).GetInt64());
        Assert.Contains("Store recovery complete", n1.Child.Stderr, StringComparison.Ordinal);
    }

    private Task<AgentProcess> StartAsync(string dir, string node) =>
        AgentProcess.StartAsync(dir, node, new Dictionary<string, string>
        {
            ["EDGESYNC_Fleet__Name"] = "recover",
            ["EDGESYNC_Fleet__Members"] = "n1,n2",
            ["EDGESYNC_Fleet__Key"] = "recovery-test-fleet-key",
            ["EDGESYNC_Fleet__HeartbeatInterval"] = "200ms",
            ["EDGESYNC_Sync__AntiEntropyInterval"] = "1s",
            ["EDGESYNC_Mqtt__Brokers"] = $"mqtt://127.0.0.1:{_broker.Port}",
        });
}
