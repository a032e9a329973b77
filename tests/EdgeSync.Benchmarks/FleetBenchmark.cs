using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace EdgeSync.Benchmarks;

/// <summary>
/// <c>fleet</c>: three <c>edgesync run</c> processes on one Mosquitto. Replication lag p50/p99 from a PUT
/// on n1 to the update being applied on n2 and n3, paced at <c>--rate</c> writes/s (500), and sustained
/// replicated writes/s with <c>--concurrency</c> writers (16) for <c>--writes</c> (5000); next to the raw MQTT
/// limit measured through the same broker first. "Applied" is seen by a watcher per follower that polls
/// <c>/v1/status</c> back to back: n1's entry of the follower's version vector counts the n1 updates it
/// applied, so the lag includes up to one poll round trip (reported).
/// </summary>
public static class FleetBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Num(args, "--seconds", 5);
        var rate = Num(args, "--rate", 500);
        var writes = (int)Num(args, "--writes", 5000);
        var concurrency = (int)Num(args, "--concurrency", 16);

        await using var mosquitto = await MqttRawBenchmark.Mosquitto.StartAsync();
        var raw = await MqttRawBenchmark.MeasureAsync("mosquitto", "127.0.0.1", mosquitto.Port);
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
            await PacedAsync(writer, followers, 200, rate); // warm-up: JIT, connections, LiteDB
            var lag = await PacedAsync(writer, followers, (int)(seconds * rate), rate);
            var throughput = await ThroughputAsync(writer, followers, writes, concurrency);

            Console.WriteLine($"fleet: 3 agents (edgesync run, LiteDB, durable PUT) on Mosquitto, loopback, {Environment.ProcessorCount} cores");
            Console.WriteLine("| measure | fleet | raw MQTT (MQTTnet alone, same broker) |");
            Console.WriteLine("|---|---|---|");
            Console.WriteLine($"| lag PUT→applied on the other nodes at {rate:0} writes/s, p50 | {lag.Lag.P50:0.00} ms | pub→recv at 500 msg/s p50 {raw.PacedP50Ms:0.000} ms |");
            Console.WriteLine($"| lag p99 | {lag.Lag.P99:0.00} ms | p99 {raw.PacedP99Ms:0.000} ms |");
            Console.WriteLine($"| lag max | {lag.Max:0.00} ms | max (sequential) {raw.MaxMs:0.00} ms |");
            Console.WriteLine($"| PUT acknowledged (durable), p50 / p99 | {lag.Put.P50:0.00} / {lag.Put.P99:0.00} ms | |");
            Console.WriteLine($"| achieved write rate in the lag run | {lag.Achieved:0} writes/s | |");
            Console.WriteLine($"| watcher poll round trip, p50 / p99 | {lag.Poll.P50:0.00} / {lag.Poll.P99:0.00} ms | |");
            Console.WriteLine($"| sustained replicated writes/s ({writes} PUTs, {concurrency} in flight, until applied on both) | {throughput.Replicated:0} | {raw.MessagesPerSecond:0} msg/s ({throughput.Replicated / raw.MessagesPerSecond:0.00}x) |");
            Console.WriteLine($"| local acknowledged writes/s in that run | {throughput.Local:0} | |");
            return 0;
        }
        finally
        {
            foreach (var a in agents)
                await a.DisposeAsync();
        }
    }

    private sealed record LagResult(Latency Lag, double Max, Latency Put, Latency Poll, double Achieved);

    /// <summary>Sequential PUTs on the writer at a fixed rate; each one's lag to being applied on every follower.</summary>
    private static async Task<LagResult> PacedAsync(FleetBenchAgent writer, FleetBenchAgent[] followers, int count, double rate)
    {
        var baseSeq = await writer.AppliedFromAsync(writer.Id);
        var clock = Stopwatch.StartNew();
        var sentAt = new double[count];
        var putMs = new List<double>(count);
        using var stop = new CancellationTokenSource();
        var watchers = followers.Select(f => WatchAsync(f, writer.Id, baseSeq, count, clock, stop.Token)).ToArray();
        var interval = 1000.0 / rate;
        for (var i = 0; i < count; i++)
        {
            var due = i * interval;
            while (clock.Elapsed.TotalMilliseconds < due)
            {
                if (due - clock.Elapsed.TotalMilliseconds > 1.5)
                    await Task.Delay(1); // pacing the load, not synchronising
                else
                    Thread.SpinWait(50);
            }

            sentAt[i] = clock.Elapsed.TotalMilliseconds;
            using var body = new StringContent(i.ToString(CultureInfo.InvariantCulture), Encoding.UTF8, "application/json");
            using var r = await writer.Http.PutAsync($"v1/kv/bench/lag/{Guid.NewGuid():N}", body);
            r.EnsureSuccessStatusCode();
            putMs.Add(clock.Elapsed.TotalMilliseconds - sentAt[i]);
        }

        var achieved = count / (clock.Elapsed.TotalMilliseconds / 1000);
        var seen = await Task.WhenAll(watchers);
        await stop.CancelAsync();
        var lags = new List<double>();
        foreach (var (visible, _) in seen)
        {
            for (var i = 0; i < count; i++)
                lags.Add(visible[i] - sentAt[i]);
        }

        return new LagResult(Latency.Of(lags), lags.Max(), Latency.Of(putMs), Latency.Of(seen.SelectMany(s => s.PollMs).ToList()), achieved);
    }

    /// <summary>Polls a follower until it applied the writer's updates baseSeq+1..baseSeq+count; returns when each became visible.</summary>
    private static async Task<(double[] Visible, List<double> PollMs)> WatchAsync(FleetBenchAgent follower, string writer, long baseSeq, int count, Stopwatch clock, CancellationToken stop)
    {
        var visible = new double[count];
        var polls = new List<double>();
        var have = 0;
        var deadline = TimeSpan.FromSeconds(60);
        using var http = new HttpClient { BaseAddress = follower.Http.BaseAddress };
        var started = clock.Elapsed;
        while (have < count && !stop.IsCancellationRequested)
        {
            if (clock.Elapsed - started > deadline)
                throw new TimeoutException($"{follower.Id} applied only {have} of {count} updates from {writer}");
            var sent = clock.Elapsed.TotalMilliseconds;
            var status = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync("v1/status", stop))!;
            var now = clock.Elapsed.TotalMilliseconds;
            polls.Add(now - sent);
            var applied = (long?)status["versionVector"]?[writer] ?? 0;
            while (have < count && baseSeq + have + 1 <= applied)
                visible[have++] = now;
        }

        return (visible, polls);
    }

    private static async Task<(double Replicated, double Local)> ThroughputAsync(FleetBenchAgent writer, FleetBenchAgent[] followers, int writes, int concurrency)
    {
        var target = await writer.AppliedFromAsync(writer.Id) + writes;
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < writes)
            {
                using var body = new StringContent("{\"v\":1}", Encoding.UTF8, "application/json");
                using var r = await writer.Http.PutAsync($"v1/kv/bench/tp/{Guid.NewGuid():N}", body);
                r.EnsureSuccessStatusCode();
            }
        }));
        var local = writes / clock.Elapsed.TotalSeconds;
        await Until(async () => (await Task.WhenAll(followers.Select(f => f.AppliedFromAsync(writer.Id)))).All(a => a >= target), "followers applied every write");
        return (writes / clock.Elapsed.TotalSeconds, local);
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

    private static double Num(string[] args, string name, double fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
