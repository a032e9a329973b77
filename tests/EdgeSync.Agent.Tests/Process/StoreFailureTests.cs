using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EdgeSync.Agent.Tests.Deploy;
using Xunit.Abstractions;

namespace EdgeSync.Agent.Tests.Process;

/// <summary>
/// A store that cannot reach its disk stops the agent (exit 1, one line on stderr, so systemd
/// restarts it) instead of serving on while refusing every write; started again with room on the
/// disk, it has every acknowledged write. The disk is a small tmpfs the test mounts, fills and
/// unmounts: that needs root (CI runs as root); elsewhere the test says so and returns.
/// </summary>
public sealed class StoreFailureTests(ITestOutputHelper output)
{
    /// <param name="before">
    /// Writes before the disk fills: with few, the write-ahead log is the first to need new space;
    /// with many, its files have grown in earlier generations (they are rewritten in place), and the
    /// background write to LiteDB is usually the first to fail.
    /// </param>
    [Theory]
    [InlineData(50)]
    [InlineData(1500)]
    public async Task A_full_disk_stops_the_agent_and_a_restart_keeps_every_acknowledged_write(int before)
    {
        if (!PartitionLabTests.IsRoot())
        {
            output.WriteLine("NOT RUN: filling a disk needs a tmpfs mount, so root; CI runs tests/run.sh as root.");
            return;
        }

        using var dir = new TempDir();
        var mount = await Shell.RunAsync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", dir.Path], TimeSpan.FromSeconds(10));
        if (mount.ExitCode != 0 && mount.Output.Contains("permission denied", StringComparison.OrdinalIgnoreCase))
        {
            output.WriteLine($"NOT RUN: root, but this container may not mount ({mount.Output.Trim()}).");
            return;
        }

        Assert.True(mount.ExitCode == 0, $"mount failed: {mount.Output}");
        try
        {
            var data = Path.Combine(dir.Path, "data");
            var filler = Path.Combine(dir.Path, "filler");
            var acked = new Dictionary<string, int>(StringComparer.Ordinal);
            string refusal;
            await using (var agent = await AgentProcess.StartAsync(data, "full"))
            {
                for (var i = 0; i < before; i++)
                {
                    Assert.Equal(HttpStatusCode.OK, await PutAsync(agent.Http, $"before/{i}", i));
                    acked[$"before/{i}"] = i;
                }

                Fill(filler);
                refusal = await WriteUntilRefusedAsync(agent.Http, acked);
                var exit = await agent.Child.WaitForExitAsync(TimeSpan.FromSeconds(30));
                output.WriteLine($"refused with: {refusal}; exit {exit}; {acked.Count} writes acknowledged; stderr:\n{agent.Child.Stderr}");
                Assert.Equal(1, exit);
                Assert.Contains("edgesync: stopped: the store failed", agent.Child.Stderr, StringComparison.Ordinal);
                Assert.DoesNotContain("   at ", agent.Child.Stderr, StringComparison.Ordinal);
            }

            // What systemd's next start meets while the disk is still full: replaying the log into
            // LiteDB needs room, so the start fails with one line, and must not lose anything by trying.
            try
            {
                await using var early = await AgentProcess.StartAsync(data, "full");
                await AssertHoldsAsync(early, acked, "a start on the still-full disk");
            }
            catch (InvalidOperationException e)
            {
                output.WriteLine($"start on the still-full disk: {e.Message}");
                Assert.Contains("edgesync exited with 1 before serving", e.Message, StringComparison.Ordinal);
                Assert.Contains("edgesync: cannot start: ", e.Message, StringComparison.Ordinal);
                Assert.DoesNotContain("   at ", e.Message, StringComparison.Ordinal);
            }

            // Under systemd a start on the full disk waits for room instead of failing (DiskSpaceWait):
            // room is made while it waits, and that same start comes up.
            using var systemd = Systemd.NotifySocketListener.InTempDirectory();
            var starting = AgentProcess.StartAsync(data, "full", new Dictionary<string, string> { ["NOTIFY_SOCKET"] = systemd.Address });
            var first = systemd.WaitFor(m => m.Contains("waiting for disk space", StringComparison.Ordinal) || m.Contains("READY=1", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            output.WriteLine($"a start under systemd on the still-full disk said: {first.Message}");
            File.Delete(filler);
            await using var again = await starting;
            await AssertHoldsAsync(again, acked, "the start that waited for room on the disk");
        }
        finally
        {
            var unmount = await Shell.RunAsync("umount", ["-l", dir.Path], TimeSpan.FromSeconds(10));
            output.WriteLine($"umount: exit {unmount.ExitCode} {unmount.Output}");
        }
    }

    private static async Task AssertHoldsAsync(AgentProcess agent, Dictionary<string, int> acked, string when)
    {
        foreach (var (key, value) in acked)
        {
            using var get = await agent.Http.GetAsync("v1/kv/" + key);
            Assert.True(get.StatusCode == HttpStatusCode.OK, $"{key} was acknowledged before the disk filled up, and after {when} GET answers {(int)get.StatusCode}");
            var body = JsonNode.Parse(await get.Content.ReadAsStringAsync())!;
            Assert.Equal(value, body["values"]![0]!["i"]!.GetValue<int>());
        }
    }

    private static async Task<HttpStatusCode> PutAsync(HttpClient http, string key, int i)
    {
        using var body = new StringContent($"{{\"i\":{i}}}", Encoding.UTF8, "application/json");
        using var put = await http.PutAsync("v1/kv/" + key, body);
        return put.StatusCode;
    }

    /// <summary>Writes until one is refused (or the agent is gone); returns what the refusal said.</summary>
    private static async Task<string> WriteUntilRefusedAsync(HttpClient http, Dictionary<string, int> acked)
    {
        for (var i = 0; i < 20_000; i++)
        {
            var key = $"after/{i}";
            using var body = new StringContent($"{{\"i\":{i}}}", Encoding.UTF8, "application/json");
            try
            {
                using var put = await http.PutAsync("v1/kv/" + key, body);
                if (put.StatusCode != HttpStatusCode.OK)
                {
                    var text = await put.Content.ReadAsStringAsync();
                    Assert.True(put.StatusCode == HttpStatusCode.ServiceUnavailable && text.Contains("store_unavailable", StringComparison.Ordinal), $"a write on a full disk answered {(int)put.StatusCode}: {text}");
                    return text;
                }

                acked[key] = i;
            }
            catch (HttpRequestException e)
            {
                return $"connection lost ({e.Message})"; // the agent stopped between two writes
            }
        }

        throw new InvalidOperationException("20,000 writes on a full 4 MB disk were all acknowledged");
    }

    /// <summary>Fills the file system holding <paramref name="path"/> to the last byte.</summary>
    private static void Fill(string path)
    {
        var chunk = new byte[64 * 1024];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        try
        {
            while (true)
            {
                file.Write(chunk);
            }
        }
        catch (IOException)
        {
            // Full at 64 KB granularity: now the last bytes.
        }

        try
        {
            while (true)
            {
                file.Write(chunk, 0, 512);
            }
        }
        catch (IOException)
        {
            // Full.
        }
    }
}
