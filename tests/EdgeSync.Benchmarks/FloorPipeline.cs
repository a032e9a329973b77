using System.Diagnostics;
using System.Globalization;

namespace EdgeSync.Benchmarks;

/// <summary>
/// The lag floor: the hops a replicated write takes in the fleet benchmark, with nothing else.
/// Three processes of this program (<see cref="FloorNode"/>): the same paced PUTs over HTTP (Kestrel),
/// each made durable (append, fdatasync) on the writer, pushed as one MQTTnet QoS 1 message per batch
/// through the same broker, and made durable again on each of two followers — no store, no causal
/// metadata, no anti-entropy or heartbeats, and no changes feed unless asked for. What this machine allows the fleet's lag
/// with the same libraries; the raw MQTT figures leave out the HTTP hop, both log syncs and three
/// of the processes. <c>floor</c> runs it alone (with its own Mosquitto): <c>--rate</c> (500),
/// <c>--seconds</c> (5), <c>--warmup</c> (2), and <c>--feed</c>: the followers also serve each write as a
/// changes feed, which this process reads as the fleet benchmark reads the agents' (the lag is then
/// taken from the feed's <c>at</c>, as there).
/// </summary>
public static class FloorPipeline
{
    public sealed record Figures(Latency Lag, double Max, Latency Put, double Busy, double WriterCpuMs, double FollowerCpuMs, double WriterSwitches, double FollowerSwitches);

    public static async Task<int> RunAsync(string[] args)
    {
        double Num(string name, double fallback) => FleetBenchmark.Num(args, name, fallback);
        var rate = Num("--rate", 500);
        await using var mosquitto = await MqttRawBenchmark.Mosquitto.StartAsync();
        var withFeed = args.Contains("--feed");
        var f = await MeasureAsync(mosquitto.Port, (int)(Num("--seconds", 5) * rate), rate, (int)(Num("--warmup", 2) * rate), withFeed);
        Console.WriteLine($"floor: writer + 2 followers, Kestrel PUT → fdatasync → MQTTnet QoS 1 via Mosquitto → fdatasync{(withFeed ? " → changes feed read by this process" : "")}, {rate:0} writes/s, {Environment.ProcessorCount} cores");
        Console.WriteLine($"| floor lag p50 / p99 / max | {f.Lag.P50:0.00} / {f.Lag.P99:0.00} / {f.Max:0.00} ms |");
        Console.WriteLine($"| floor PUT acknowledged p50 / p99 | {f.Put.P50:0.00} / {f.Put.P99:0.00} ms |");
        Console.WriteLine($"| floor CPU per write: writer / each follower; machine busy | {f.WriterCpuMs:0.00} / {f.FollowerCpuMs:0.00} ms; {f.Busy:P0} of {Environment.ProcessorCount} cores |");
        Console.WriteLine($"| floor context switches per write: writer / each follower | {f.WriterSwitches:0.0} / {f.FollowerSwitches:0.0} |");
        return 0;
    }

    /// <summary>Starts the three floor processes on <paramref name="brokerPort"/>, warms them up, measures <paramref name="count"/> paced writes, stops them.</summary>
    public static async Task<Figures> MeasureAsync(int brokerPort, int count, double rate, int warmup, bool withFeed = false)
    {
        string Text(int n) => n.ToString(CultureInfo.InvariantCulture);
        var feedPorts = withFeed ? new[] { LoopbackPort.Next(), LoopbackPort.Next() } : null;
        var dir = Directory.CreateTempSubdirectory("edgesync-floor-").FullName;
        var httpPort = LoopbackPort.Next();
        var nodes = new List<Process>();
        try
        {
            nodes.Add(await StartAsync(["writer", Text(brokerPort), dir, Text(httpPort)]));
            for (var f = 0; f < 2; f++)
                nodes.Add(await StartAsync(["follower", Text(brokerPort), Subdir(dir, $"f{f}"), .. feedPorts is null ? Array.Empty<string>() : [Text(feedPorts[f])]]));
            await LeanLoad.PacedPutsAsync(httpPort, "floor/w/", warmup, rate, Stopwatch.StartNew());
            var go = new TaskCompletionSource();
            var ready = new[] { new TaskCompletionSource(), new TaskCompletionSource() };
            var watchers = feedPorts?.Select((port, f) => ChangesFeedWatch.WatchAsync(port, $"floor follower {f}", "floor/m/", count, Stopwatch.StartNew(), go.Task, ready[f])).ToArray();
            if (watchers is not null)
                await Task.WhenAll(ready.Select(r => r.Task));
            go.SetResult();
            var cpuBefore = nodes.Select(n => ProcStat.CpuTime(n.Id)).ToArray();
            var switchesBefore = nodes.Select(n => ProcStat.ContextSwitches(n.Id)).ToArray();
            var machineBefore = ProcStat.Machine();
            var (_, sentWall, putMs) = await LeanLoad.PacedPutsAsync(httpPort, "floor/m/", count, rate, Stopwatch.StartNew());
            var machine = ProcStat.Machine();
            var cpu = nodes.Select((n, i) => (ProcStat.CpuTime(n.Id) - cpuBefore[i]).TotalMilliseconds / count).ToArray();
            var switches = nodes.Select((n, i) => (ProcStat.ContextSwitches(n.Id) - switchesBefore[i]) / (double)count).ToArray();
            // Each follower's own record shows that it durably holds every write (the feed alone would not);
            // with a feed, the lag is when the feed said so (its `at`), as in the fleet.
            var held = await Task.WhenAll(nodes.Skip(1).Select(follower => HeldAsync(follower, count)));
            var durable = watchers is null
                ? held.Select(ticks => ticks.Select(t => new DateTimeOffset(t, TimeSpan.Zero)).ToArray())
                : (await Task.WhenAll(watchers)).Select(w => w.Applied);
            var lags = durable.SelectMany(at => Enumerable.Range(0, count).Select(i => (at[i] - sentWall[i]).TotalMilliseconds)).ToList();

            var busy = (machine.Busy - machineBefore.Busy) / (machine.Total - machineBefore.Total);
            return new Figures(Latency.Of(lags), lags.Max(), Latency.Of(putMs), busy, cpu[0], (cpu[1] + cpu[2]) / 2, switches[0], (switches[1] + switches[2]) / 2);
        }
        finally
        {
            foreach (var node in nodes)
            {
                if (!node.HasExited)
                    node.Kill();
                await node.WaitForExitAsync();
                node.Dispose();
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>When the follower made each measured write durable (UTC ticks), once it holds them all (60 s at most).</summary>
    private static async Task<long[]> HeldAsync(Process follower, int count)
    {
        var held = new long[count];
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var have = 0;
            Array.Clear(held);
            await follower.StandardInput.WriteLineAsync("dump");
            await follower.StandardInput.FlushAsync();
            while (await follower.StandardOutput.ReadLineAsync() is { } line && line != "end")
            {
                var fields = line.Split(',');
                var i = int.Parse(fields[1], CultureInfo.InvariantCulture);
                if (fields[0] == "m" && i < count && held[i] == 0)
                {
                    held[i] = long.Parse(fields[2], CultureInfo.InvariantCulture);
                    have++;
                }
            }

            if (have == count)
                return held;
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
                throw new TimeoutException($"a floor follower holds {have} of {count} writes after 60 s");
            await Task.Delay(50); // QoS 1 redelivery or a slow follower: ask again
        }
    }

    private static async Task<Process> StartAsync(string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "EdgeSync.Benchmarks.dll"));
        psi.ArgumentList.Add("floor-node");
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_TieredCompilation"] = "0"; // as the agent runs
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start a floor node");
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return ready == "ready" ? process : throw new InvalidOperationException($"a floor node did not start ({args[0]}: {ready ?? "exited"})");
    }

    private static string Subdir(string dir, string name) => Directory.CreateDirectory(Path.Combine(dir, name)).FullName;
}
