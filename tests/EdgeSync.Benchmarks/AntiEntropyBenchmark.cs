using System.Diagnostics;
using System.Globalization;
using EdgeSync.Agent.Storage;
using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Benchmarks;

/// <summary>
/// Anti-entropy cost after a partition: two replicas share N keys (default 100,000), then while
/// partitioned each side changes D/2 different keys (default 500 + 500). After the heal we count
/// the bytes both engines put on the wire (encoded by the real codec) and the rounds until the
/// Merkle roots match, against the encoded size of the divergent records themselves — once for
/// the delta path alone and once for the Merkle path alone, with the bytes per message type.
/// Usage: anti-entropy [keys] [diverged] [--litedb]. With <c>--litedb</c> both replicas keep their
/// keys in the agent's LiteDB store (in a temporary directory) instead of in memory, so the time
/// includes the store's reads (the Merkle path lists buckets from it).
/// </summary>
public static class AntiEntropyBenchmark
{
    private const string Value = "{\"sensor\":\"greenhouse-{0}\",\"temp\":21.5,\"humidity\":0.43,\"unit\":\"C\",\"ok\":true}";

    public static Task<int> RunAsync(string[] args)
    {
        var liteDb = args.Contains("--litedb");
        var numbers = args.Where(a => a != "--litedb").ToArray();
        var keys = numbers.Length > 0 ? int.Parse(numbers[0], CultureInfo.InvariantCulture) : 100_000;
        var diverged = numbers.Length > 1 ? int.Parse(numbers[1], CultureInfo.InvariantCulture) : 1_000;
        Console.WriteLine($"anti-entropy: {keys:N0} keys on 2 replicas ({(liteDb ? "LiteDB stores" : "in memory")}), {diverged:N0} changed during a partition ({diverged / 2} on each side)");
        var dir = Directory.CreateTempSubdirectory("edgesync-ae-");
        try
        {
            Func<string, IReplicaStorage> storage = liteDb
                ? name => LiteDbReplicaStorage.Open(Path.Combine(dir.FullName, $"{name}-{Guid.NewGuid():N}.db"))
                : _ => new InMemoryReplicaStorage();
            var ok = Measure("delta", keys, diverged, delta: true, storage) & Measure("merkle", keys, diverged, delta: false, storage);
            return Task.FromResult(ok ? 0 : 1);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static bool Measure(string path, int keys, int diverged, bool delta, Func<string, IReplicaStorage> storage)
    {
        var setup = Stopwatch.StartNew();
        var storeA = storage("a");
        var storeB = storage("b");
        var a = new Replica("a", storeA, new StoreOptions(), TimeProvider.System);
        var b = new Replica("b", storeB, new StoreOptions(), TimeProvider.System);
        for (var i = 0; i < keys; i++)
        {
            a.Put(Key(i), Value.Replace("{0}", i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal), null);
        }

        var copy = a.CollectMissing(b.Applied, int.MaxValue);
        foreach (var state in copy.States)
        {
            b.Apply(state);
        }

        b.MergeCoverage(copy.Coverage!);
        a.Commit();
        b.Commit();

        // Partition: each side changes its own half of the divergent keys; no push gets through.
        var changed = new List<string>();
        for (var i = 0; i < diverged; i++)
        {
            var key = Key(i * (keys / diverged));
            changed.Add(key);
            (i % 2 == 0 ? a : b).Put(key, Value.Replace("{0}", "changed-" + i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal), null);
        }

        a.Commit();
        b.Commit();
        var net = new Wire();
        // No periodic rounds of the engines' own: a slow exchange would otherwise have delta rounds
        // running alongside it, and their bytes counted as the path's (the Merkle path in LiteDB took
        // 20+ s with 300k keys before its bucket listings came from memory, and "sent" 4.3-4.5x).
        var options = new SyncOptions { MaxBytesPerSecond = 0, DigestCheck = false, PurgeTombstones = false, AntiEntropyInterval = TimeSpan.FromDays(1) };
        var engineA = Engine(a, net, options);
        var engineB = Engine(b, net, options);
        setup.Stop();

        var clock = Stopwatch.StartNew();
        var rounds = 0;
        while (a.Tree.Root != b.Tree.Root && rounds < 20)
        {
            rounds++;
            if (delta)
            {
                engineA.RunRound();
            }
            else
            {
                engineA.StartDigest("b");
            }

            net.DeliverAll();
        }

        clock.Stop();
        var converged = a.Tree.Root == b.Tree.Root;
        var records = changed.Sum(k => (long)KeyStateCodec.Encode(a.Load(k)!).Length);
        var ratio = (double)net.Bytes / records;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  {path,-6}: {net.Bytes,10:N0} bytes in {net.Messages,5} messages, {rounds} round(s), {clock.Elapsed.TotalMilliseconds,8:F1} ms; "
            + $"divergent records {records:N0} bytes -> {ratio:F2}x (goal <= 1.5x){(converged ? string.Empty : "  NOT CONVERGED")} [setup {setup.Elapsed.TotalSeconds:F1} s]"));
        foreach (var (type, (count, bytes)) in net.ByType.OrderByDescending(t => t.Value.Bytes))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"          {type,-15} {bytes,10:N0} bytes in {count,4} message(s)"));
        }

        engineA.Dispose();
        engineB.Dispose();
        (storeA as IDisposable)?.Dispose();
        (storeB as IDisposable)?.Dispose();
        return converged;
    }

    private static string Key(int i) => "sensors/node-" + i.ToString("D6", CultureInfo.InvariantCulture);

    private static SyncEngine Engine(Replica replica, Wire net, SyncOptions options)
    {
        var id = replica.Actor;
        var engine = new SyncEngine(id, "bench", options, new InlineReplicaAccess(replica), net.Attach(id), () => ["a", "b"], TimeProvider.System, new Random(1));
        engine.Start();
        return engine;
    }

    /// <summary>Two endpoints; every message is encoded and counted, queued, then decoded on delivery.</summary>
    private sealed class Wire
    {
        private readonly Dictionary<string, Endpoint> _endpoints = new(StringComparer.Ordinal);
        private readonly Queue<(string To, byte[] Bytes)> _queue = new();

        public long Bytes { get; private set; }

        public long Messages { get; private set; }

        /// <summary>Messages and bytes per message type, for the breakdown.</summary>
        public Dictionary<string, (long Count, long Bytes)> ByType { get; } = new(StringComparer.Ordinal);

        public ISyncTransport Attach(string id) => _endpoints[id] = new Endpoint(this, id);

        public void DeliverAll()
        {
            while (_queue.TryDequeue(out var item))
            {
                _endpoints[item.To].Raise(SyncCodec.Decode(item.Bytes));
            }
        }

        private void Send(string to, SyncMessage message)
        {
            var bytes = SyncCodec.Encode(message);
            Bytes += bytes.Length;
            Messages++;
            var (count, total) = ByType.GetValueOrDefault(message.GetType().Name);
            ByType[message.GetType().Name] = (count + 1, total + bytes.Length);
            _queue.Enqueue((to, bytes));
        }

        private sealed class Endpoint(Wire wire, string id) : ISyncTransport
        {
            public event Action<SyncMessage>? Received;

            public void Send(string peer, SyncMessage message) => wire.Send(peer, message);

            public void Broadcast(SyncMessage message)
            {
                foreach (var peer in wire._endpoints.Keys.Where(p => p != id).ToList())
                {
                    wire.Send(peer, message);
                }
            }

            public void Raise(SyncMessage message) => Received?.Invoke(message);
        }
    }
}
