using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace EdgeSync.Benchmarks;

/// <summary>
/// <c>fleet</c>: three <c>edgesync run</c> processes on one Mosquitto. Replication lag p50/p99 from a PUT
/// on n1 to the update being applied on n2 and n3, paced at <c>--rate</c> writes/s (500), and sustained
/// replicated writes/s with <c>--concurrency</c> writers (16) for <c>--writes</c> (5000), after <c>--warmup</c>
/// seconds (2) of the paced load, then the same with <c>--batch</c> writes (100) per <c>POST /v1/batch</c>;
/// each next to the raw MQTT limit measured through the same broker first (and the lag next to
/// <see cref="FloorPipeline"/>'s, the same hops with nothing else), and to LiteDB's own insert
/// rate for the same kind of documents (the ceiling three replicas on this machine's cores allow).
/// <c>--timeline FILE</c> writes each measured write's send time, acknowledgement and lag per follower as CSV.
/// <c>--gc-watch</c> reads each agent's garbage collections live (<see cref="AgentGcWatch"/>) and says how many of the writes at or
/// above the lag p99 one of them held up.
/// <c>--sequential</c> PUTs (300) one at a time at consistency=one, then as many at quorum: answer times and bytes published per write;
/// then GETs of the quorum-written keys one at a time at one and at quorum.
/// The paced PUTs are open-loop (sent on schedule, not after the
/// previous acknowledgement). "Applied" is when the follower made the write durable, as its changes feed
/// (<c>/v1/changes</c>, one server-sent event per applied update, matched by key) stamps it (<c>at</c>,
/// the wall clock, which every process on this one machine shares); "seen" is when this benchmark read
/// that event, which adds the feed's delivery and this process's own scheduling.
/// </summary>
public static class FleetBenchmark
{
    private const int BatchInFlight = 4;

    /// <summary>About what the store's flush writes per LiteDB transaction.</summary>
    private const int LiteDbPerTransaction = 1024;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Num(args, "--seconds", 5);
        var rate = Num(args, "--rate", 500);
        var writes = (int)Num(args, "--writes", 5000);
        var concurrency = (int)Num(args, "--concurrency", 16);
        var batch = (int)Num(args, "--batch", 100);
        var warmup = Num(args, "--warmup", 2);

        await using var mosquitto = await MqttRawBenchmark.Mosquitto.StartAsync();
        var raw = await MqttRawBenchmark.MeasureAsync("mosquitto", "127.0.0.1", mosquitto.Port);
        var floor = await FloorPipeline.MeasureAsync(mosquitto.Port, (int)(seconds * rate), rate, (int)(warmup * rate), withFeed: true);
        var liteDb = LiteDbLimit(writes * 4);
        var env = new Dictionary<string, string>
        {
            ["EDGESYNC_Fleet__Name"] = "bench",
            ["EDGESYNC_Fleet__Members"] = "n1,n2,n3",
            ["EDGESYNC_Fleet__HeartbeatInterval"] = "200ms",
            ["EDGESYNC_Sync__AntiEntropyInterval"] = "1s",
        };
        var agents = await Task.WhenAll(new[] { "n1", "n2", "n3" }.Select(id => FleetBenchAgent.StartAsync(id, env, mosquitto.Port)));
        try
        {
            var (writer, followers) = (agents[0], agents[1..]);
            await Until(async () => (await Task.WhenAll(agents.Select(a => a.StatusAsync()))).All(s => (string?)s["partition"] == "healthy"), "a healthy fleet");
            // Started before the warm-up, which then also warms up reading their events. Not by default:
            // reading the events costs this process ~0.07 ms of CPU per write, which the lag then pays.
            var gcWatches = args.Contains("--gc-watch") ? agents.Select(a => AgentGcWatch.Start(a.Pid)).ToArray() : [];
            await PacedLag.RunAsync(writer, followers, (int)(warmup * rate), rate); // warm-up: JIT (tiering, if on), connections, LiteDB
            var serverBefore = await WriteBucketsAsync(writer);
            var gcBefore = await Task.WhenAll(agents.Select(AgentCountersAsync));
            var cpuBefore = agents.Select(a => (Cpu: a.CpuTime(), Switches: a.ContextSwitches())).ToArray();
            var othersBefore = (Bench: ProcStat.CpuTime(Environment.ProcessId), Broker: mosquitto.CpuTime(), Machine: ProcStat.Machine());
            var benchGcBefore = (Collections: GC.CollectionCount(0), Pause: GC.GetTotalPauseDuration());
            var measured = (int)(seconds * rate);
            var lag = await PacedLag.RunAsync(writer, followers, measured, rate, Text(args, "--timeline"));
            var heldUp = await PacedLag.HeldUpByCollectionsAsync(lag, gcWatches);
            var machine = ProcStat.Machine();
            var busy = (machine.Busy - othersBefore.Machine.Busy) / (machine.Total - othersBefore.Machine.Total);
            var benchCpu = (ProcStat.CpuTime(Environment.ProcessId) - othersBefore.Bench).TotalMilliseconds / measured;
            var benchGc = (Collections: GC.CollectionCount(0) - benchGcBefore.Collections, PauseMs: (GC.GetTotalPauseDuration() - benchGcBefore.Pause).TotalMilliseconds);
            var brokerCpu = (mosquitto.CpuTime() - othersBefore.Broker).TotalMilliseconds / measured;
            var cost = agents.Select((a, i) => (
                CpuMs: (a.CpuTime() - cpuBefore[i].Cpu).TotalMilliseconds / measured,
                Switches: (a.ContextSwitches() - cpuBefore[i].Switches) / (double)measured)).ToArray();
            var server = Delta(await WriteBucketsAsync(writer), serverBefore);
            var gcAfter = await Task.WhenAll(agents.Select(AgentCountersAsync));
            var gc = gcAfter.Select((g, i) => (
                PauseMs: (g.PauseSeconds - gcBefore[i].PauseSeconds) * 1000,
                Collections: g.Collections - gcBefore[i].Collections,
                Gen2: g.Gen2 - gcBefore[i].Gen2,
                KbPerWrite: (g.Allocated - gcBefore[i].Allocated) / 1024 / measured,
                DeltaStates: g.DeltaStates - gcBefore[i].DeltaStates,
                LogSyncs: g.LogSyncs - gcBefore[i].LogSyncs,
                Digests: g.Digests - gcBefore[i].Digests,
                Descents: g.Descents - gcBefore[i].Descents)).ToArray();
            var sequential = (int)Num(args, "--sequential", 300);
            var one = await SequentialAsync(writer, sequential, "one");
            var quorum = await SequentialAsync(writer, sequential, "quorum");
            var readOne = await SequentialReadsAsync(writer, quorum.Keys, "one");
            var readQuorum = await SequentialReadsAsync(writer, quorum.Keys, "quorum");
            var throughput = await ThroughputAsync(writer, followers, writes, concurrency);
            var batchCpuBefore = (Agents: agents.Select(a => a.CpuTime()).ToArray(), Broker: mosquitto.CpuTime(), Bench: ProcStat.CpuTime(Environment.ProcessId));
            var batchDeltaBefore = (await Task.WhenAll(agents.Select(AgentCountersAsync))).Select(g => (g.DeltaStates, g.Rounds)).ToArray();
            var batched = await ThroughputAsync(writer, followers, writes * 4, BatchInFlight, batch);
            var batchDelta = (await Task.WhenAll(agents.Select(AgentCountersAsync))).Select((g, i) => (
                States: g.DeltaStates - batchDeltaBefore[i].DeltaStates,
                Rounds: g.Rounds - batchDeltaBefore[i].Rounds)).ToArray();
            var batchCpu = agents.Select((a, i) => (a.CpuTime() - batchCpuBefore.Agents[i]).TotalMicroseconds / (writes * 4)).ToArray();
            var batchOthers = ((mosquitto.CpuTime() - batchCpuBefore.Broker).TotalMicroseconds / (writes * 4), (ProcStat.CpuTime(Environment.ProcessId) - batchCpuBefore.Bench).TotalMicroseconds / (writes * 4));

            Console.WriteLine($"fleet: 3 agents ({FleetBenchAgent.Describe} run, LiteDB, durable PUT) on Mosquitto, loopback, {Environment.ProcessorCount} cores");
            Console.WriteLine("| measure | fleet | limit: raw MQTT (MQTTnet alone, same broker), or the bare pipeline |");
            Console.WriteLine("|---|---|---|");
            Console.WriteLine($"| lag PUT→applied (durable) on the other nodes at {rate:0} writes/s, p50 | {lag.Lag.P50:0.00} ms | pub→recv at 500 msg/s p50 {raw.PacedP50Ms:0.000} ms |");
            Console.WriteLine($"| lag p99 | {lag.Lag.P99:0.00} ms | p99 {raw.PacedP99Ms:0.000} ms |");
            Console.WriteLine($"| lag max | {lag.Max:0.00} ms | max (sequential) {raw.MaxMs:0.00} ms |");
            Console.WriteLine($"| the same hops with nothing else (`floor --feed`: bare processes, same load and feed readers, PUT → fdatasync → QoS 1 → fdatasync → feed), lag p50 / p99 / max; CPU per write, writer / each follower | | {floor.Lag.P50:0.00} / {floor.Lag.P99:0.00} / {floor.Max:0.00} ms; {floor.WriterCpuMs:0.00} / {floor.FollowerCpuMs:0.00} ms |");
            if (gcWatches.Length > 0)
            {
                Console.WriteLine(heldUp is null
                    ? "| lag samples at or above the p99 that an agent's garbage collection overlapped | (no events from the agents' runtimes) | |"
                    : $"| lag samples at or above the p99 that a garbage collection of the writer or of that follower overlapped (its pause met the span from PUT to applied; the agents ran {heldUp.Collections} collections in the run) | {heldUp.Held} of {heldUp.Slow} | lag p99 of the samples no collection overlapped: {heldUp.P99NotHeld:0.00} ms |");
            }

            Console.WriteLine($"| lag PUT→seen by a changes-feed reader, p50 / p99 | {lag.Seen.P50:0.00} / {lag.Seen.P99:0.00} ms | |");
            Console.WriteLine($"| PUT acknowledged (durable), p50 / p99 | {lag.Put.P50:0.00} / {lag.Put.P99:0.00} ms | |");
            Console.WriteLine($"| the same PUTs timed by the writer (request in to durable ack): within 2.5 / 5 / 10 / 25 ms | {Share(server, 0.0025):P0} / {Share(server, 0.005):P0} / {Share(server, 0.01):P0} / {Share(server, 0.025):P0} | |");
            Console.WriteLine($"| achieved write rate in the lag run | {lag.Achieved:0} writes/s | |");
            Console.WriteLine($"| CPU per write in the lag run (user + kernel, /proc): writer / each follower | {cost[0].CpuMs:0.00} ms / {cost[1].CpuMs:0.00}, {cost[2].CpuMs:0.00} ms | |");
            Console.WriteLine($"| CPU per write in the lag run: Mosquitto / this benchmark (load generator and changes-feed readers) | {brokerCpu:0.00} ms / {benchCpu:0.00} ms (its own garbage collections: {benchGc.Collections} taking {benchGc.PauseMs:0} ms) | |");
            Console.WriteLine($"| machine busy in the lag run (all cores, /proc/stat) | {busy:P0} of {Environment.ProcessorCount} cores | |");
            Console.WriteLine($"| garbage collections in the lag run (each stops that agent's threads; full ones in brackets): writer / each follower | {gc[0].Collections:0} ({gc[0].Gen2:0}) taking {gc[0].PauseMs:0} ms / {gc[1].Collections:0} ({gc[1].Gen2:0}) taking {gc[1].PauseMs:0} ms, {gc[2].Collections:0} ({gc[2].Gen2:0}) taking {gc[2].PauseMs:0} ms | |");
            Console.WriteLine($"| allocated per write in the lag run: writer / each follower | {gc[0].KbPerWrite:0} KB / {gc[1].KbPerWrite:0}, {gc[2].KbPerWrite:0} KB | |");
            Console.WriteLine($"| Merkle digest checks started in the lag run (descents in brackets: steps that found differing hashes): writer / each follower | {gc[0].Digests:0} ({gc[0].Descents:0}) / {gc[1].Digests:0} ({gc[1].Descents:0}), {gc[2].Digests:0} ({gc[2].Descents:0}) | |");
            Console.WriteLine($"| log syncs (fdatasync) in the lag run: writer / each follower | {gc[0].LogSyncs:0} / {gc[1].LogSyncs:0}, {gc[2].LogSyncs:0} for {measured} writes | |");
            Console.WriteLine($"| key states received by delta sync (anti-entropy) in the lag run, nothing being lost: writer / each follower | {gc[0].DeltaStates:0} / {gc[1].DeltaStates:0}, {gc[2].DeltaStates:0} of {measured} writes | |");
            Console.WriteLine($"| context switches per write in the lag run: writer / each follower | {cost[0].Switches:0.0} / {cost[1].Switches:0.0}, {cost[2].Switches:0.0} | |");
            Console.WriteLine($"| PUT answered, one at a time ({sequential} each): consistency=one p50 / p99 | {one.Answer.P50:0.00} / {one.Answer.P99:0.00} ms | |");
            Console.WriteLine($"| the same at consistency=quorum (durable on the writer and one more member) p50 / p99 | {quorum.Answer.P50:0.00} / {quorum.Answer.P99:0.00} ms | |");
            Console.WriteLine($"| GET answered, one at a time (the keys just written): consistency=one / quorum (answers of two members merged), p50 / p99 | {readOne.P50:0.00} / {readOne.P99:0.00} ms, {readQuorum.P50:0.00} / {readQuorum.P99:0.00} ms | |");
            Console.WriteLine($"| MQTT payload bytes the writer published per write, pushes and directed messages (anti-entropy included): one / quorum | {one.BytesPerWrite:0} / {quorum.BytesPerWrite:0} | |");
            Console.WriteLine($"| sustained replicated writes/s ({writes} PUTs, {concurrency} in flight, until applied on both) | {throughput.Replicated:0} | {raw.MessagesPerSecond:0} msg/s ({throughput.Replicated / raw.MessagesPerSecond:0.00}x) |");
            Console.WriteLine($"| local acknowledged writes/s in that run | {throughput.Local:0} | |");
            Console.WriteLine($"| the same in batches ({writes * 4} writes, {batch} per POST /v1/batch, {BatchInFlight} in flight): replicated / local writes/s | {batched.Replicated:0} / {batched.Local:0} | {raw.MessagesPerSecond:0} msg/s ({batched.Replicated / raw.MessagesPerSecond:0.00}x) |");
            Console.WriteLine($"| CPU per write in the batched run: writer / each follower / Mosquitto / this benchmark | {batchCpu[0]:0} / {batchCpu[1]:0}, {batchCpu[2]:0} / {batchOthers.Item1:0} / {batchOthers.Item2:0} µs | |");
            Console.WriteLine($"| key states received by delta sync in the batched run: writer / each follower | {batchDelta[0].States:0} / {batchDelta[1].States:0}, {batchDelta[2].States:0} of {writes * 4} writes | |");
            Console.WriteLine($"| anti-entropy rounds started in the batched run (each may send the peer what it lacks, pushes in flight included): writer / each follower | {batchDelta[0].Rounds:0} / {batchDelta[1].Rounds:0}, {batchDelta[2].Rounds:0} | |");
            Console.WriteLine($"| LiteDB alone, before the agents started: the same kind of documents and indexes, {LiteDbPerTransaction} per transaction, one thread, no fsync | {liteDb:0} docs/s; every replica stores every write, so LiteDB alone allows at most {liteDb * Environment.ProcessorCount / agents.Length:0} replicated writes/s on {Environment.ProcessorCount} cores | 0.5x raw = {raw.MessagesPerSecond / 2:0} msg/s |");
            return 0;
        }
        finally
        {
            foreach (var a in agents)
                await a.DisposeAsync();
        }
    }

    /// <summary>
    /// <paramref name="count"/> PUTs of new keys at <paramref name="consistency"/>, one at a time, timed from
    /// send to answer; the MQTT payload bytes the writer published meanwhile on its push and directed
    /// channels, per write; and the keys, for <see cref="SequentialReadsAsync"/>.
    /// </summary>
    private static async Task<(Latency Answer, double BytesPerWrite, string[] Keys)> SequentialAsync(FleetBenchAgent writer, int count, string consistency)
    {
        var keys = Enumerable.Range(0, count).Select(_ => $"bench/seq/{Guid.NewGuid():N}").ToArray();
        var before = await PublishedBytesAsync(writer);
        var answers = await OneAtATimeAsync(writer, [.. keys.Select(k => LeanHttpConnection.Request("PUT", $"v1/kv/{k}?consistency={consistency}", "{\"v\":1}"))], $"a PUT at consistency={consistency}");
        return (answers, (await PublishedBytesAsync(writer) - before) / count, keys);
    }

    /// <summary>GETs of <paramref name="keys"/> (written before, so held everywhere) at <paramref name="consistency"/>, one at a time.</summary>
    private static Task<Latency> SequentialReadsAsync(FleetBenchAgent writer, string[] keys, string consistency) =>
        OneAtATimeAsync(writer, [.. keys.Select(k => LeanHttpConnection.Request("GET", $"v1/kv/{k}?consistency={consistency}", null))], $"a GET at consistency={consistency}");

    /// <summary>Sends each request once the one before was answered 200, on one kept-alive connection, and times each from send to answer.</summary>
    private static async Task<Latency> OneAtATimeAsync(FleetBenchAgent agent, byte[][] requests, string what)
    {
        var answers = await Task.Factory.StartNew(
            () =>
            {
                using var http = new LeanHttpConnection(agent.Port);
                var ms = new List<double>(requests.Length);
                foreach (var request in requests)
                {
                    var sent = Stopwatch.GetTimestamp();
                    http.Send(request);
                    var status = http.ReadResponse();
                    ms.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    if (status != 200)
                        throw new InvalidOperationException($"{what} answered {status}");
                }

                return ms;
            },
            TaskCreationOptions.LongRunning);
        return Latency.Of(answers);
    }

    /// <summary>The MQTT payload bytes <paramref name="agent"/> published so far on its push and directed channels.</summary>
    private static async Task<double> PublishedBytesAsync(FleetBenchAgent agent)
    {
        var metrics = await AgentMetricsText.ReadAsync(agent);
        return metrics.Sum("edgesync_mqtt_bytes_sent_total", "channel=\"push\"") + metrics.Sum("edgesync_mqtt_bytes_sent_total", "channel=\"direct\"");
    }

    /// <summary>
    /// <paramref name="writes"/> new keys written as fast as <paramref name="concurrency"/> clients can: one PUT each,
    /// or <paramref name="batch"/> per <c>POST /v1/batch</c>; replicated = until both followers applied every one.
    /// </summary>
    private static async Task<(double Replicated, double Local)> ThroughputAsync(FleetBenchAgent writer, FleetBenchAgent[] followers, int writes, int concurrency, int batch = 1)
    {
        var actor = (string)(await writer.StatusAsync())["actor"]!; // the origin the writer's updates carry
        var target = await writer.AppliedFromAsync(actor) + writes;
        var next = 0;
        var clock = Stopwatch.StartNew();
        await LeanLoad.ClosedAsync(writer.Port, concurrency, () =>
        {
            var first = Interlocked.Add(ref next, batch) - batch;
            return first >= writes ? null
                : batch == 1 ? LeanHttpConnection.Request("PUT", $"v1/kv/bench/tp/{Guid.NewGuid():N}", "{\"v\":1}")
                : LeanHttpConnection.Request("POST", "v1/batch", BatchBody(Math.Min(batch, writes - first)));
        });
        var local = writes / clock.Elapsed.TotalSeconds;
        await Until(async () => (await Task.WhenAll(followers.Select(f => f.AppliedFromAsync(actor)))).All(a => a >= target), "followers applied every write");
        return (writes / clock.Elapsed.TotalSeconds, local);
    }

    private static string BatchBody(int count)
    {
        var body = new StringBuilder("{\"writes\":[");
        for (var i = 0; i < count; i++)
        {
            body.Append(i == 0 ? "" : ",").Append("{\"key\":\"bench/tp/").Append(Guid.NewGuid().ToString("N")).Append("\",\"value\":{\"v\":1}}");
        }

        return body.Append("]}").ToString();
    }

    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
                throw new TimeoutException($"not within 60 s: {what}");
            await Task.Delay(5);
        }
    }

    /// <summary>The writer's own histogram of request-to-durable-ack times (edgesync_write_duration_seconds), summed over labels: le → count.</summary>
    private static async Task<SortedDictionary<double, double>> WriteBucketsAsync(FleetBenchAgent agent) =>
        (await AgentMetricsText.ReadAsync(agent)).Buckets("edgesync_write_duration_seconds");

    /// <summary>
    /// The agent's total GC pause time, collections and allocated bytes so far (the runtime meter in
    /// /metrics), the key states it received by delta sync (anti-entropy), its log syncs, its
    /// digest checks and their descents, and its anti-entropy rounds.
    /// </summary>
    private static async Task<(double PauseSeconds, double Collections, double Gen2, double Allocated, double DeltaStates, double LogSyncs, double Digests, double Descents, double Rounds)> AgentCountersAsync(FleetBenchAgent agent)
    {
        var metrics = await AgentMetricsText.ReadAsync(agent);
        return (
            metrics.Sum("dotnet_gc_pause_time_seconds_total"),
            metrics.Sum("dotnet_gc_collections_total"),
            metrics.Sum("dotnet_gc_collections_total", "gen2"),
            metrics.Sum("dotnet_gc_heap_total_allocated_bytes_total"),
            metrics.Sum("edgesync_sync_delta_states_received_total"),
            metrics.Sum("edgesync_store_log_syncs_total"),
            metrics.Sum("edgesync_sync_digest_checks_total"),
            metrics.Sum("edgesync_sync_digest_descents_total"),
            metrics.Sum("edgesync_sync_rounds_total"));
    }

    private static SortedDictionary<double, double> Delta(SortedDictionary<double, double> after, SortedDictionary<double, double> before) =>
        new(after.ToDictionary(b => b.Key, b => b.Value - before.GetValueOrDefault(b.Key)));

    private static double Share(SortedDictionary<double, double> buckets, double within) =>
        buckets.TryGetValue(within, out var n) && buckets.TryGetValue(double.PositiveInfinity, out var all) && all > 0 ? n / all : double.NaN;

    /// <summary>
    /// LiteDB's insert rate for the batched run's kind of key (new, random), on a file already holding
    /// as many keys as the fleet holds by then: the ceiling that storing each write on every replica sets.
    /// </summary>
    private static double LiteDbLimit(int count)
    {
        var dir = Directory.CreateTempSubdirectory("edgesync-fleetbench-litedb-");
        try
        {
            return RawLiteDb.DocsPerSecond(Path.Combine(dir.FullName, "raw.db"), prefill: count / 2, count, LiteDbPerTransaction, upsert: false, _ => $"bench/tp/{Guid.NewGuid():N}", _ => "{\"v\":1}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string? Text(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? Path.GetFullPath(args[i + 1]) : null;
    }

    /// <summary>The number after <paramref name="name"/> in <paramref name="args"/>, or <paramref name="fallback"/>.</summary>
    internal static double Num(string[] args, string name, double fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
