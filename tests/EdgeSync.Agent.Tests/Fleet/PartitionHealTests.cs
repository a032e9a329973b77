using EdgeSync.Agent.Tests.Support;

namespace EdgeSync.Agent.Tests.Fleet;

/// <summary>
/// Issue 4: three agents on a real broker; writes everywhere appear everywhere; a node whose cable is
/// pulled (silently, or with a hard close) keeps accepting writes, as does the majority, also to the same
/// key; after re-plugging everything converges with the concurrent writes kept as siblings.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class PartitionHealTests
{
    [Theory]
    [InlineData(TestBroker.Mosquitto, false)]
    [InlineData(TestBroker.Mosquitto, true)]
    [InlineData(TestBroker.Embedded, false)]
    [InlineData(TestBroker.Embedded, true)]
    public async Task Writes_replicate_and_a_pulled_cable_heals_with_siblings_and_nothing_lost(string broker, bool hardClose)
    {
        await using var rig = await FleetRig.StartAsync(broker);
        var expected = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var m in rig.Members)
        {
            await m.Api.PutAsync($"hello/{m.Id}", $"{{\"from\":\"{m.Id}\"}}");
            expected[$"hello/{m.Id}"] = [$"{{\"from\":\"{m.Id}\"}}"];
        }

        await rig.Members[0].Api.PutAsync("shared", "\"base\"");
        expected["shared"] = ["\"base\""];
        await rig.WaitConvergedAsync(expected);

        var (n1, n2, n3) = (rig["n1"], rig["n2"], rig["n3"]);
        n3.Cable.Pull();
        if (hardClose)
            n3.Cable.Cut(); // RST now; reconnect attempts then hang in the pulled proxy
        await rig.WaitAsync(async () => (string?)(await n3.Api.StatusAsync())["partition"] is "isolated" or "minority", "n3 sees itself cut off");
        await rig.WaitAsync(async () => (string?)(await n1.Api.StatusAsync())["partition"] == "degraded", "n1 sees n3 gone");

        // Both sides keep accepting writes, including the same key (no context: each supersedes what it holds).
        for (var i = 0; i < 10; i++)
        {
            await n1.Api.PutAsync($"split/n1/{i}", $"{i}");
            await n3.Api.PutAsync($"split/n3/{i}", $"{i}");
            expected[$"split/n1/{i}"] = [$"{i}"];
            expected[$"split/n3/{i}"] = [$"{i}"];
        }

        await n1.Api.PutAsync("shared", "\"majority\"");
        await n3.Api.PutAsync("shared", "\"minority\"");
        await rig.WaitAsync(async () => await n2.Api.GetAsync("split/n1/9") is not null, "the majority side still replicates");
        Assert.Null(await n3.Api.GetAsync("split/n1/0")); // the cable really is out
        Assert.Null(await n1.Api.GetAsync("split/n3/0"));

        n3.Cable.Plug();
        expected["shared"] = ["\"majority\"", "\"minority\""];
        await rig.WaitConvergedAsync(expected, TimeSpan.FromSeconds(30));
        foreach (var m in rig.Members)
        {
            var shared = await m.Api.GetAsync("shared");
            Assert.True(shared!.Value.Conflict, $"{m.Id} reports the concurrent writes as a conflict");
        }

        await rig.WaitAsync(async () => (await rig.StatusesAsync()).All(s => (string?)s["partition"] == "healthy"), "every node healthy again");
    }
}
