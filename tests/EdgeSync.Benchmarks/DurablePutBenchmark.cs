using System.Diagnostics;
using System.Globalization;
using EdgeSync.Agent.Memory;
using EdgeSync.Agent.Storage;
using EdgeSync.Core.Store;
using LiteDB;

namespace EdgeSync.Benchmarks;

/// <summary>
/// Durable puts through <see cref="ReplicaService"/> + <see cref="LiteDbReplicaStorage"/> with 1,
/// 8 and 64 concurrent writers, next to the limits measured in the same run on the same disk:
/// raw LiteDB upserts of the same documents without any fsync, and one 4 KB write + fsync.
/// Then the resident memory of a process holding 100k keys (fresh, and after a restart).
/// Options: --dir DIR (default: a temp folder) --seconds S per writer count (default 5)
/// --rss-keys N (default 100000) --demo N (N acknowledged puts, one line each: for strace).
/// </summary>
public static class DurablePutBenchmark
{
    private const string NodeId = "bench";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = BenchOptions.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine("usage: durable-put [--dir DIR] [--seconds S] [--rss-keys N] [--demo N]");
            return 2;
        }

        Directory.CreateDirectory(options.Dir);
        if (options.RssChild is { } child)
        {
            return await RssChildAsync(options.Dir, child.Keys, child.Reopen);
        }

        if (options.Demo > 0)
        {
            return await DemoAsync(options.Dir, options.Demo);
        }

        Console.WriteLine($"durable-put: dir={options.Dir} seconds={options.Seconds} cores={Environment.ProcessorCount} {RuntimeLabel()}");
        var fsync = FsyncProbe.Measure(options.Dir, 300);
        Console.WriteLine($"fsync (4 KB append + fsync, 300x): p50 {fsync.P50:F2} ms  p99 {fsync.P99:F2} ms  mean {fsync.Mean:F2} ms");

        var raw = RawLiteDb(options.Dir, 20_000, 1);
        var rawBatched = RawLiteDb(options.Dir, 20_000, 64);
        Console.WriteLine($"raw LiteDB upserts, no fsync, 1 per transaction:  {raw:F0} docs/s");
        Console.WriteLine($"raw LiteDB upserts, no fsync, 64 per transaction: {rawBatched:F0} docs/s");

        Console.WriteLine();
        Console.WriteLine("| writers | puts/s | p50 ms | p99 ms | mean ms | puts per fsync | vs raw 1/tx | vs raw 64/tx |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var writers in new[] { 1, 8, 64 })
        {
            var r = await DurableAsync(options.Dir, writers, TimeSpan.FromSeconds(options.Seconds));
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {writers} | {r.PerSecond:F0} | {r.Latency.P50:F2} | {r.Latency.P99:F2} | {r.Latency.Mean:F2} | {r.PerBatch:F1} | {r.PerSecond / raw:F2}x | {r.PerSecond / rawBatched:F2}x |"));
        }

        // The disk is shared and noisy: measure the floor again after the runs.
        fsync = FsyncProbe.Measure(options.Dir, 300);
        Console.WriteLine($"fsync again after the runs:       p50 {fsync.P50:F2} ms  p99 {fsync.P99:F2} ms  mean {fsync.Mean:F2} ms");
        Console.WriteLine();
        foreach (var reopen in new[] { false, true })
        {
            var line = await RunChildAsync(options.Dir, options.RssKeys, reopen);
            Console.WriteLine(line);
        }

        await AgentRssAsync(options.Dir, options.RssKeys);
        return 0;
    }

    private static async Task<DurableResult> DurableAsync(string dir, int writers, TimeSpan duration)
    {
        var path = FreshDb(dir, $"durable-{writers}.db");
        using var storage = LiteDbReplicaStorage.Open(path);
        using var service = new ReplicaService(NewReplica(storage));
        for (var i = 0; i < 100; i++)
        {
            await PutAsync(service, $"warm/{i}", i);
        }

        var batches0 = service.Batches;
        var ops0 = service.Operations;
        var latencies = new List<double>[writers];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = new List<double>(4096);
            for (var i = 0; clock.Elapsed < duration; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await PutAsync(service, $"w{w:D2}/{i:D7}", i);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        })));
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).ToList();
        var batches = service.Batches - batches0;
        return new DurableResult(all.Count / elapsed, Latency.Of(all), (double)(service.Operations - ops0) / Math.Max(1, batches));
    }

    /// <summary>The same documents the durable path stores, upserted straight into LiteDB, never fsynced.</summary>
    private static double RawLiteDb(string dir, int count, int perTransaction) =>
        Benchmarks.RawLiteDb.DocsPerSecond(FreshDb(dir, $"raw-{perTransaction}.db"), 0, count, perTransaction, upsert: true, i => $"w{i % 64:D2}/{i:D7}", Value);

    /// <summary>Child process: write (or reopen) N keys, then report the resident set after a full GC.</summary>
    private static async Task<int> RssChildAsync(string dir, int keys, bool reopen)
    {
        var path = Path.Combine(dir, "rss.db");
        if (!reopen)
        {
            path = FreshDb(dir, "rss.db");
        }

        var clock = Stopwatch.StartNew();
        using var storage = LiteDbReplicaStorage.Open(path);
        using var service = new ReplicaService(NewReplica(storage));
        if (!reopen)
        {
            await BenchStore.FillAsync(service, keys, i => $"sensors/{i:D7}", Value);
        }

        var live = service.Read(r => r.LiveKeys);
        var seconds = clock.Elapsed.TotalSeconds;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var status = ProcStat.Status(Environment.ProcessId);
        var what = reopen ? "after restart (open + load)" : "after writing them";
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"RSS with {live} keys {what}: {status["VmRSS"] / 1024.0:F1} MB = anonymous {status["RssAnon"] / 1024.0:F1} + file-backed (runtime, assemblies) {status["RssFile"] / 1024.0:F1} + shared (JIT code, double-mapped) {status["RssShmem"] / 1024.0:F1} MB; managed heap {GC.GetTotalMemory(false) / 1048576.0:F1} MB, {status["Threads"]} threads, store file {new FileInfo(path).Length / 1048576.0:F1} MB, took {seconds:F1} s"));
        return live == keys ? 0 : 1;
    }

    /// <summary>
    /// The whole agent (<c>edgesync run</c>: HTTP API, store, fleet runtime, LEDs) holding N keys
    /// written through its HTTP API by 64 clients: its RSS when idle before, after the writes, and
    /// after a restart — the figure a Pi sees, next to the store-only figures above.
    /// </summary>
    private static async Task AgentRssAsync(string dir, int keys)
    {
        var data = Path.Combine(dir, "agent-rss");
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }

        Directory.CreateDirectory(data);
        var env = new Dictionary<string, string> { ["MALLOC_ARENA_MAX"] = "2" }; // as systemd/edgesync.service sets it
        double idle, written, settled, restarted, restartSettled, seconds;
        string writtenParts, settledParts, restartParts;
        var settle = MemoryTrim.Interval * 2.2; // the agent gives memory back one quiet interval after a burst
        var clock = Stopwatch.StartNew();
        await using (var agent = await FleetBenchAgent.StartAsync("rss", env, brokerPort: null, data))
        {
            await Task.Delay(TimeSpan.FromSeconds(2)); // settle after start-up
            idle = agent.RssMegabytes();
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < keys)
                {
                    using var body = new StringContent(Value(i), System.Text.Encoding.UTF8, "application/json");
                    using var r = await agent.Http.PutAsync($"v1/kv/sensors/{i:D7}", body);
                    r.EnsureSuccessStatusCode();
                }
            }));
            seconds = clock.Elapsed.TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(2));
            written = agent.RssMegabytes();
            writtenParts = agent.RssParts();
            await Task.Delay(settle);
            settled = agent.RssMegabytes();
            settledParts = agent.RssParts();
        }

        await using (var agent = await FleetBenchAgent.StartAsync("rss", env, brokerPort: null, data))
        {
            using var r = await agent.Http.GetAsync("v1/kv/sensors/0000001");
            r.EnsureSuccessStatusCode();
            await Task.Delay(TimeSpan.FromSeconds(2));
            restarted = agent.RssMegabytes();
            await Task.Delay(settle);
            restartSettled = agent.RssMegabytes();
            restartParts = agent.RssParts();
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"agent ({FleetBenchAgent.Describe} run, MALLOC_ARENA_MAX=2 as in the unit) RSS: idle {idle:F1} MB; with {keys} keys written over HTTP {written:F1} MB ({writtenParts}; took {seconds:F0} s), {settled:F1} MB ({settledParts}) {settle.TotalSeconds:F0} s later; after a restart {restarted:F1} MB, {restartSettled:F1} MB ({restartParts}) {settle.TotalSeconds:F0} s later"));
        Directory.Delete(data, recursive: true);
    }

    private static Task<string> RunChildAsync(string dir, int keys, bool reopen) =>
        BenchStore.RunChildAsync("RSS", "durable-put", "--dir", dir, "--rss-child", keys.ToString(CultureInfo.InvariantCulture), reopen ? "reopen" : "fresh");

    /// <summary>Sequential acknowledged puts, one output line each, to watch under strace.</summary>
    private static async Task<int> DemoAsync(string dir, int count)
    {
        using var storage = LiteDbReplicaStorage.Open(FreshDb(dir, "demo.db"));
        using var service = new ReplicaService(NewReplica(storage));
        for (var i = 1; i <= count; i++)
        {
            await PutAsync(service, $"demo/{i}", i);
            Console.WriteLine($"ack {i}");
        }

        return 0;
    }

    private static Task PutAsync(ReplicaService service, string key, int i) => BenchStore.PutAsync(service, key, Value(i));

    private static string Value(int i) =>
        string.Create(CultureInfo.InvariantCulture, $"{{\"seq\":{i},\"celsius\":21.5,\"site\":\"greenhouse-north\",\"note\":\"sensor reading of about one hundred bytes\"}}");

    private static Replica NewReplica(IReplicaStorage storage) => new(NodeId, storage, new StoreOptions(), TimeProvider.System);

    private static string FreshDb(string dir, string name) => BenchStore.FreshDb(dir, name);

    private static string RuntimeLabel() =>
        $"gc={(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}";

    private sealed record DurableResult(double PerSecond, Latency Latency, double PerBatch);
}
