using System.Diagnostics;
using System.Globalization;
using EdgeSync.Agent.Storage;
using EdgeSync.Core.Store;
using LiteDB;

namespace EdgeSync.Benchmarks;

/// <summary>
/// Opening a store of N keys (default 100k), as an agent does at start: LiteDB opened, and the Merkle
/// tree taken from the file a clean close kept, or (after a crash, or with no such file) built by
/// reading every stored key. Each measurement is a fresh process (a cold runtime and JIT, as at
/// boot), next to what the full read costs in the same run on the same file: LiteDB alone reading
/// every document, and that plus decoding each stored state. <c>--agent</c>: the whole agent instead
/// (<c>EDGESYNC_BENCH_AGENT</c> picks the shipped binary), start until its API answers, with the
/// kept tree, without it, and on an empty store.
/// Options: --keys N --runs R (default 3) --dir DIR --agent.
/// </summary>
public static class StartupBenchmark
{
    private const string Usage = "usage: start-up [--keys N] [--runs R] [--dir DIR] [--agent]";
    private const string StoreFile = "start-up.db";

    public static async Task<int> RunAsync(string[] args)
    {
        var keys = 100_000;
        var runs = 3;
        var dir = Path.Combine(Path.GetTempPath(), "edgesync-bench");
        string? child = null;
        var agent = false;
        for (var i = 0; i < args.Length; i++)
        {
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            switch (args[i])
            {
                case "--keys" when int.TryParse(Next(), CultureInfo.InvariantCulture, out var k) && k > 0:
                    keys = k;
                    break;
                case "--runs" when int.TryParse(Next(), CultureInfo.InvariantCulture, out var r) && r > 0:
                    runs = r;
                    break;
                case "--dir" when Next() is { } d:
                    dir = Path.GetFullPath(d);
                    break;
                case "--child" when Next() is "raw" or "decode" or "scan" or "replica":
                    child = args[i];
                    break;
                case "--agent":
                    agent = true;
                    break;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        Directory.CreateDirectory(dir);
        if (agent)
        {
            await StartupAgent.RunAsync(dir, keys, runs);
            return 0;
        }

        var path = Path.Combine(dir, StoreFile);
        if (child is not null)
        {
            Console.WriteLine(Child(child, path));
            return 0;
        }

        Console.WriteLine($"start-up: {keys} keys, {runs} runs, each a fresh process; cores={Environment.ProcessorCount}");
        var written = Stopwatch.StartNew();
        await WriteStoreAsync(dir, keys);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"store written in {written.Elapsed.TotalSeconds:F1} s: {new FileInfo(path).Length / 1048576.0:F1} MB"));
        for (var run = 1; run <= runs; run++)
        {
            foreach (var what in new[] { "raw", "decode", "scan", "replica" })
            {
                // "scan": the same open with the kept tree out of the way, as after a crash.
                var tree = LiteDbReplicaStorage.TreePathOf(path);
                if (what == "scan")
                {
                    File.Move(tree, tree + ".aside");
                }

                Console.WriteLine($"run {run} {await RunChildAsync(what, dir)}");
                if (what == "scan")
                {
                    File.Move(tree + ".aside", tree);
                }
            }
        }

        return 0;
    }

    private static async Task WriteStoreAsync(string dir, int keys)
    {
        using var storage = LiteDbReplicaStorage.Open(BenchStore.FreshDb(dir, StoreFile));
        using var service = new ReplicaService(new Replica("bench", storage, new StoreOptions(), TimeProvider.System));
        await BenchStore.FillAsync(
            service,
            keys,
            i => string.Create(CultureInfo.InvariantCulture, $"sensors/{i:D7}"),
            i => string.Create(CultureInfo.InvariantCulture, $"{{\"seq\":{i},\"celsius\":21.5,\"site\":\"greenhouse-north\"}}"));
    }

    private static string Child(string what, string path)
    {
        var clock = Stopwatch.StartNew();
        if (what is "scan" or "replica")
        {
            using var storage = LiteDbReplicaStorage.Open(path);
            var opened = clock.Elapsed.TotalMilliseconds;
            var replica = new Replica("bench", storage, new StoreOptions(), TimeProvider.System);
            var total = clock.Elapsed.TotalMilliseconds;
            var how = replica.TreeFromSnapshot ? "tree kept by the clean close" : "tree built from every record";
            return string.Create(CultureInfo.InvariantCulture, $"store opened, {how}: {total:F0} ms (open {opened:F0} ms, tree {total - opened:F0} ms), {replica.LiveKeys} keys, {Rss()}");
        }

        using var db = new LiteDatabase(new ConnectionString
        {
            Filename = path,
            Connection = ConnectionType.Direct,
            Collation = new Collation(CultureInfo.InvariantCulture.LCID, CompareOptions.Ordinal),
        });
        var count = 0;
        long bytes = 0;
        foreach (var doc in db.GetCollection("keys").FindAll())
        {
            var state = doc[KeyDocument.State].AsBinary;
            bytes += state.Length;
            if (what == "decode")
            {
                count += KeyStateCodec.Decode(state).IsDeleted ? 0 : 1;
            }
            else
            {
                count++;
            }
        }

        var label = what == "raw" ? "LiteDB alone, every document read" : "LiteDB + decoding each state     ";
        return string.Create(CultureInfo.InvariantCulture, $"{label}: {clock.Elapsed.TotalMilliseconds:F0} ms, {count} keys, {bytes / 1048576.0:F1} MB of states, {Rss()}");
    }

    private static string Rss() =>
        string.Create(CultureInfo.InvariantCulture, $"RSS {ProcStat.Status(Environment.ProcessId)["VmRSS"] / 1024.0:F1} MB");

    private static Task<string> RunChildAsync(string what, string dir) => BenchStore.RunChildAsync(what, "start-up", "--dir", dir, "--child", what);
}
