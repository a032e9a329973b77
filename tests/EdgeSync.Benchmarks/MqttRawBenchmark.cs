using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EdgeSync.Agent.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeSync.Benchmarks;

/// <summary>
/// <c>mqtt-raw</c>: what MQTTnet alone gets through a broker on this machine — publish→receive latency
/// (one message at a time, and paced at 500 msg/s) and QoS 1 pub/sub throughput. This is the ceiling the
/// fleet benchmark is compared with; <see cref="MeasureAsync"/> lets it measure the same broker in its own run.
/// Options: <c>--broker mosquitto|embedded|both</c> (default both), <c>--messages N</c> (20000), <c>--size BYTES</c> (200).
/// </summary>
public static class MqttRawBenchmark
{
    public sealed record Figures(string Broker, double P50Ms, double P99Ms, double MaxMs, double PacedP50Ms, double PacedP99Ms, double MessagesPerSecond, double MegabytesPerSecond);

    public static async Task<int> RunAsync(string[] args)
    {
        var which = Option(args, "--broker", "both");
        var messages = int.Parse(Option(args, "--messages", "20000"), System.Globalization.CultureInfo.InvariantCulture);
        var size = int.Parse(Option(args, "--size", "200"), System.Globalization.CultureInfo.InvariantCulture);
        var results = new List<Figures>();
        if (which is "both" or "mosquitto")
        {
            await using var mosquitto = await Mosquitto.StartAsync();
            results.Add(await MeasureAsync("mosquitto", "127.0.0.1", mosquitto.Port, messages, size));
        }

        if (which is "both" or "embedded")
        {
            await using var embedded = new EmbeddedBroker();
            await embedded.StartAsync();
            results.Add(await MeasureAsync("embedded", "127.0.0.1", embedded.Port, messages, size));
        }

        Console.WriteLine($"mqtt-raw: MQTTnet 5 alone, {size}-byte payloads, QoS 1, loopback, {Environment.ProcessorCount} cores");
        Console.WriteLine("| broker | pub→recv p50 | p99 | max | at 500 msg/s p50 | p99 | throughput | |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var f in results)
            Console.WriteLine($"| {f.Broker} | {f.P50Ms:0.000} ms | {f.P99Ms:0.000} ms | {f.MaxMs:0.00} ms | {f.PacedP50Ms:0.000} ms | {f.PacedP99Ms:0.000} ms | {f.MessagesPerSecond:N0} msg/s | {f.MegabytesPerSecond:0.0} MB/s |");
        return 0;
    }

    /// <summary>Measures one broker: sequential latency, latency paced at 500 msg/s, then throughput.</summary>
    public static async Task<Figures> MeasureAsync(string name, string host, int port, int messages = 20000, int size = 200)
    {
        var factory = new MqttClientFactory();
        using var publisher = factory.CreateMqttClient();
        using var subscriber = factory.CreateMqttClient();
        var topic = $"bench/{Guid.NewGuid():N}";
        var received = 0L;
        var latencies = new double[Math.Max(messages, 4000)];
        var latencyIndex = -1;
        TaskCompletionSource? next = null;
        TaskCompletionSource? allIn = null;
        long expected = 0;
        subscriber.ApplicationMessageReceivedAsync += e =>
        {
            Span<byte> stamp = stackalloc byte[8];
            e.ApplicationMessage.Payload.Slice(0, 8).CopyTo(stamp);
            var sent = BinaryPrimitives.ReadInt64LittleEndian(stamp);
            if (sent != 0)
            {
                var i = Interlocked.Increment(ref latencyIndex);
                if (i < latencies.Length)
                    latencies[i] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                next?.TrySetResult();
            }

            if (Interlocked.Increment(ref received) == Volatile.Read(ref expected))
                allIn?.TrySetResult();
            return Task.CompletedTask;
        };
        await subscriber.ConnectAsync(Options(host, port, "bench-sub"));
        await subscriber.SubscribeAsync(topic, MqttQualityOfServiceLevel.AtLeastOnce);
        await publisher.ConnectAsync(Options(host, port, "bench-pub"));
        var payload = new byte[Math.Max(size, 8)];

        async Task<(double P50, double P99, double Max)> LatencyAsync(int count, TimeSpan? pace)
        {
            latencyIndex = -1;
            using var timer = pace is null ? null : new PeriodicTimer(pace.Value);
            for (var i = 0; i < count; i++)
            {
                if (timer is not null)
                    await timer.WaitForNextTickAsync();
                next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                BinaryPrimitives.WriteInt64LittleEndian(payload, Stopwatch.GetTimestamp());
                await publisher.PublishBinaryAsync(topic, payload, MqttQualityOfServiceLevel.AtLeastOnce);
                if (timer is null)
                    await next.Task.WaitAsync(TimeSpan.FromSeconds(10));
            }

            await Until(() => Volatile.Read(ref latencyIndex) >= count - 1);
            var sorted = latencies[..count];
            Array.Sort(sorted);
            return (sorted[count / 2], sorted[(int)(count * 0.99)], sorted[^1]);
        }

        await LatencyAsync(500, null); // warm-up: JIT, TCP windows
        var (p50, p99, max) = await LatencyAsync(Math.Min(messages, 5000), null);
        var (paced50, paced99, _) = await LatencyAsync(2000, TimeSpan.FromMilliseconds(2));

        // Throughput: a window of QoS 1 publishes in flight; the clock stops when the subscriber has them all.
        BinaryPrimitives.WriteInt64LittleEndian(payload, 0);
        Interlocked.Exchange(ref received, 0);
        Volatile.Write(ref expected, messages);
        allIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        var window = new SemaphoreSlim(200);
        var pending = new List<Task>(messages);
        for (var i = 0; i < messages; i++)
        {
            await window.WaitAsync();
            pending.Add(publisher.PublishBinaryAsync(topic, payload, MqttQualityOfServiceLevel.AtLeastOnce).ContinueWith(_ => window.Release(), TaskScheduler.Default));
        }

        await Task.WhenAll(pending);
        await allIn.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var seconds = clock.Elapsed.TotalSeconds;
        await publisher.DisconnectAsync();
        await subscriber.DisconnectAsync();
        return new Figures(name, p50, p99, max, paced50, paced99, messages / seconds, messages * (double)payload.Length / seconds / 1e6);
    }

    private static MqttClientOptions Options(string host, int port, string id)
    {
        var options = new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId(id + Guid.NewGuid().ToString("N")[..6]).Build();
        ((MqttClientTcpOptions)options.ChannelOptions).NoDelay = true;
        return options;
    }

    private static async Task Until(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
                throw new TimeoutException("messages did not all arrive");
            await Task.Delay(1);
        }
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    /// <summary>A throw-away Mosquitto on a free loopback port, Nagle off, no persistence.</summary>
    public sealed class Mosquitto : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _dir;

        private Mosquitto(Process process, string dir, int port) => (_process, _dir, Port) = (process, dir, port);

        public int Port { get; }

        /// <summary>CPU time the broker has used so far.</summary>
        public TimeSpan CpuTime() => ProcStat.CpuTime(_process.Id);

        public static async Task<Mosquitto> StartAsync()
        {
            var exe = new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto" }.FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException("mosquitto is not installed: run `sudo apt-get install -y mosquitto`.");
            var port = LoopbackPort.Next();
            var dir = Directory.CreateTempSubdirectory("edgesync-bench-").FullName;
            var config = Path.Combine(dir, "mosquitto.conf");
            await File.WriteAllTextAsync(config, $"listener {port} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\npersistence false\nmax_queued_messages 100000\nlog_dest none\n");
            var process = Process.Start(new ProcessStartInfo(exe, ["-c", config]) { UseShellExecute = false })
                ?? throw new InvalidOperationException("could not start mosquitto");
            var clock = Stopwatch.StartNew();
            while (true)
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await probe.ConnectAsync(IPAddress.Loopback, port);
                    return new Mosquitto(process, dir, port);
                }
                catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(10) && !process.HasExited)
                {
                    await Task.Delay(20);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }
}
