using EdgeSync.Agent.Tests.Support;

namespace EdgeSync.Agent.Tests.Fleet;

/// <summary>
/// Issue 4: three agents on a real broker; writes everywhere appear everywhere; a node whose cable is
/// pulled (first silently — bytes vanish, sockets stay open — then another node's with a hard close)
/// keeps accepting writes, as does the majority, also to the same key; after re-plugging everything
/// converges with the concurrent writes kept as siblings.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class PartitionHealTests
{
    [Theory]
    [InlineData(TestBroker.Mosquitto)]
    [InlineData(TestBroker.Embedded)]
    public async Task Writes_replicate_and_a_pulled_cable_heals_with_siblings_and_nothing_lost(string broker)
    {
        await using var rig = await FleetRig.StartAsync(broker);
        var expected = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var m in rig.Members)
        {
            await m.Api.PutAsync($"hello/{m.Id}", $"{{\"from\":\"{m.Id}\"}}");
            expected[$"hello/{m.Id}"] = [$"{{\"from\":\"{m.Id}\"}}"];
        }

        await rig.WaitConvergedAsync(expected);
        await SplitAndHealAsync(rig, expected, rig["n3"], rig["n1"], hardClose: false);
        await SplitAndHealAsync(rig, expected, rig["n2"], rig["n3"], hardClose: true);
    }

    private static async Task SplitAndHealAsync(FleetRig rig, Dictionary<string, string[]> expected, FleetMember cut, FleetMember majority, bool hardClose)
    {
        var mode = hardClose ? "hard" : "silent";
        var shared = $"shared/{mode}";
        await majority.Api.PutAsync(shared, "\"base\"");
        expected[shared] = ["\"base\""];
        await rig.WaitConvergedAsync(expected);

        cut.Cable.Pull();
        if (hardClose)
            cut.Cable.Cut(); // RST now; reconnect attempts then hang in the pulled proxy
        await rig.WaitAsync(async () => (string?)(await cut.Api.StatusAsync())["partition"] is "isolated" or "minority", $"{cut} sees itself cut off ({mode})");
        await rig.WaitAsync(async () => (string?)(await majority.Api.StatusAsync())["partition"] == "degraded", $"{majority} sees {cut} gone ({mode})");

        // Both sides keep accepting writes, including the same key (no context: each supersedes what it holds).
        for (var i = 0; i < 10; i++)
        {
            await majority.Api.PutAsync($"{mode}/{majority}/{i}", $"{i}");
            await cut.Api.PutAsync($"{mode}/{cut}/{i}", $"{i}");
            expected[$"{mode}/{majority}/{i}"] = [$"{i}"];
            expected[$"{mode}/{cut}/{i}"] = [$"{i}"];
        }

        await majority.Api.PutAsync(shared, "\"majority\"");
        await cut.Api.PutAsync(shared, "\"minority\"");
        var third = rig.Members.Single(m => m != cut && m != majority);
        await rig.WaitAsync(async () => await third.Api.GetAsync($"{mode}/{majority}/9") is not null, "the majority side still replicates");
        Assert.Null(await cut.Api.GetAsync($"{mode}/{majority}/0")); // the cable really is out
        Assert.Null(await majority.Api.GetAsync($"{mode}/{cut}/0"));

        // Per-peer replication lag: the majority sees the cut node behind on its 11 writes, for a while.
        var peer = $"peer=\"{cut}\"";
        await rig.WaitAsync(async () =>
        {
            var metrics = await majority.Api.MetricsAsync();
            return FleetApi.Metric(metrics, "edgesync_peer_replication_behind", peer) >= 11
                && FleetApi.Metric(metrics, "edgesync_peer_replication_lag_seconds", peer) > 0;
        }, $"{majority} reports {cut} behind in /metrics ({mode})");

        cut.Cable.Plug();
        expected[shared] = ["\"majority\"", "\"minority\""];
        await rig.WaitConvergedAsync(expected, TimeSpan.FromSeconds(30));
        foreach (var m in rig.Members)
            Assert.True((await m.Api.GetAsync(shared))!.Value.Conflict, $"{m} reports the concurrent writes on {shared} as a conflict");
        await rig.WaitAsync(async () => (await rig.StatusesAsync()).All(s => (string?)s["partition"] == "healthy"), $"every node healthy again ({mode})");
        await rig.WaitAsync(
            async () => (await rig.StatusesAsync()).All(s => s["peers"]!.AsArray().All(p => (long)p!["behind"]! == 0 && (long)p!["lagMs"]! == 0)),
            $"after the heal no node reports a peer behind ({mode})");

        // Once delta sync finds nothing left to move, the Merkle digest check runs (and is counted).
        await rig.WaitAsync(async () => FleetApi.Metric(await majority.Api.MetricsAsync(), "edgesync_sync_digest_checks_total") > 0, $"{majority} counts digest checks ({mode})");
        Assert.Contains("edgesync_sync_digest_descents_total ", await majority.Api.MetricsAsync(), StringComparison.Ordinal);
    }
}
