using System.Net;
using System.Text.Json.Nodes;
using EdgeSync.Agent.Tests.Http;

namespace EdgeSync.Agent.Tests.Process;

/// <summary>
/// The real agent across restarts: SIGTERM keeps the Merkle tree next to the store and the next
/// start takes it silently; kill -9 after a write makes the next start read every record, say why
/// once, and drop the stale file. The data is whole either way.
/// </summary>
public sealed class KeptTreeRestartTests : IDisposable
{
    private const string ReadEveryRecord = "Store opened by reading every record";
    private readonly TempDir _dir = new();

    private string TreeFile => Path.Combine(_dir.Path, "replica.tree");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_clean_stop_keeps_the_tree_for_the_next_start_and_a_kill_falls_back_to_reading_every_record()
    {
        await using (var first = await AgentProcess.StartAsync(_dir.Path, "tree"))
        {
            for (var i = 0; i < 200; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await Api.PutAsync(first.Http, $"t/{i:D3}", $"{i}")).Status);
            }

            Assert.Equal(HttpStatusCode.OK, (await first.Http.DeleteAsync("v1/kv/t/007")).StatusCode);
            Assert.Equal(0, await first.StopAsync());
        }

        Assert.True(File.Exists(TreeFile), "a clean stop keeps the tree");
        await using (var second = await AgentProcess.StartAsync(_dir.Path, "tree"))
        {
            Assert.Equal(199, await KeysAsync(second));
            Assert.Equal(HttpStatusCode.OK, (await Api.PutAsync(second.Http, "t/after", "1")).Status);
            second.Kill();
            await second.Child.Process.WaitForExitAsync();
            Assert.DoesNotContain(ReadEveryRecord, second.Child.Stderr, StringComparison.Ordinal);
        }

        await using var third = await AgentProcess.StartAsync(_dir.Path, "tree");
        Assert.Equal(200, await KeysAsync(third));
        var said = Assert.Single(third.Child.Stderr.Split('\n'), l => l.Contains(ReadEveryRecord, StringComparison.Ordinal));
        Assert.Contains("the last stop was not clean", said, StringComparison.Ordinal);
        Assert.False(File.Exists(TreeFile), "the stale file is dropped once its problem is said");
        Assert.Equal(0, await third.StopAsync());
        Assert.True(File.Exists(TreeFile));
    }

    private static async Task<long> KeysAsync(AgentProcess agent) =>
        (long)JsonNode.Parse(await agent.Http.GetStringAsync("v1/status"))!["keys"]!;
}
