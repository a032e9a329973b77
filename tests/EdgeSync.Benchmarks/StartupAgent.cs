using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EdgeSync.Agent.Hosting;
using EdgeSync.Agent.Storage;

namespace EdgeSync.Benchmarks;

/// <summary>
/// <c>start-up --agent</c>: the whole agent (<c>edgesync run</c>, a node of its own) started on a
/// data directory of N keys, timed from process start until its API answers (polled every 25 ms):
/// with the Merkle tree its last clean stop kept, with that file moved aside (as after a crash),
/// and on an empty store, the floor, in the same run. Each start ends with a clean stop (SIGTERM),
/// which keeps the tree again.
/// </summary>
internal static class StartupAgent
{
    public static async Task RunAsync(string dir, int keys, int runs)
    {
        var data = Fresh(Path.Combine(dir, "start-up-agent"));
        var env = new Dictionary<string, string> { ["MALLOC_ARENA_MAX"] = "2" }; // as systemd/edgesync.service sets it
        Console.WriteLine($"start-up --agent: {FleetBenchAgent.Describe}, {keys} keys, {runs} runs; cores={Environment.ProcessorCount}");
        var clock = Stopwatch.StartNew();
        await using (var agent = await FleetBenchAgent.StartAsync("start", env, brokerPort: null, data))
        {
            for (var from = 0; from < keys; from += 1000)
            {
                var writes = new JsonArray();
                for (var i = from; i < Math.Min(keys, from + 1000); i++)
                {
                    writes.Add(new JsonObject
                    {
                        ["key"] = string.Create(CultureInfo.InvariantCulture, $"sensors/{i:D7}"),
                        ["value"] = new JsonObject { ["seq"] = i, ["celsius"] = 21.5, ["site"] = "greenhouse-north" },
                    });
                }

                using var body = new StringContent(new JsonObject { ["writes"] = writes }.ToJsonString(), Encoding.UTF8, "application/json");
                using var r = await agent.Http.PostAsync("v1/batch", body);
                r.EnsureSuccessStatusCode();
            }

            await agent.StopAsync();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{keys} keys written over HTTP and a clean stop in {clock.Elapsed.TotalSeconds:F1} s"));
        var tree = LiteDbReplicaStorage.TreePathOf(Path.Combine(data, StorageFactory.DatabaseFile));
        for (var run = 1; run <= runs; run++)
        {
            Console.WriteLine($"run {run} empty store:              {await StartAsync(Fresh(Path.Combine(dir, "start-up-empty")), env, 0)}");
            Console.WriteLine($"run {run} the tree its stop kept:   {await StartAsync(data, env, keys)}");
            File.Move(tree, tree + ".aside", overwrite: true);
            Console.WriteLine($"run {run} every record read:        {await StartAsync(data, env, keys)}");
            File.Delete(tree + ".aside"); // that stop kept a new one
        }

        Directory.Delete(data, recursive: true);
    }

    private static async Task<string> StartAsync(string data, IReadOnlyDictionary<string, string> env, int keys)
    {
        var clock = Stopwatch.StartNew();
        await using var agent = await FleetBenchAgent.StartAsync("start", env, brokerPort: null, data);
        var ready = clock.Elapsed.TotalMilliseconds;
        var held = (long?)(await agent.StatusAsync())["keys"] ?? -1;
        await Task.Delay(TimeSpan.FromSeconds(2));
        var rss = agent.RssMegabytes();
        await agent.StopAsync();
        var wrong = held == keys ? string.Empty : $" (it holds {held} keys, not {keys})";
        return string.Create(CultureInfo.InvariantCulture, $"start → API answering {ready,5:F0} ms, RSS 2 s later {rss:F1} MB{wrong}");
    }

    private static string Fresh(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        Directory.CreateDirectory(path);
        return path;
    }
}
