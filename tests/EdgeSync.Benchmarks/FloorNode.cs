using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeSync.Benchmarks;

/// <summary>
/// One process of the lag floor (<see cref="FloorPipeline"/>), started by it as
/// <c>floor-node writer|follower BROKER_PORT DIR [HTTP_PORT]</c>. The writer answers
/// <c>PUT /v1/kv/floor/RUN/N</c> once it is durable in its <see cref="FloorLog"/>, and publishes each
/// durable batch's writes as one QoS 1 message (as the agent pushes one message per batch); a follower
/// makes each received message durable in its own log and stamps when, and with an HTTP port also serves
/// those writes as a changes feed. Prints <c>ready</c> once connected; then reads commands on standard
/// input: <c>dump</c> (a follower prints <c>RUN,N,unix-ticks</c> per write it holds, then <c>end</c>);
/// end of input stops it.
/// </summary>
public static class FloorNode
{
    private const string Topic = "floor/push";

    private static readonly byte[] Answer = "{\"ok\":true}"u8.ToArray();

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 3 || args[0] is not ("writer" or "follower") || (args[0] == "writer" && args.Length < 4))
        {
            await Console.Error.WriteLineAsync("usage: floor-node writer|follower BROKER_PORT DIR [HTTP_PORT]");
            return 2;
        }

        var brokerPort = int.Parse(args[1], CultureInfo.InvariantCulture);
        using var mqtt = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", brokerPort).WithClientId($"floor-{args[0]}-{Guid.NewGuid():N}").Build();
        ((MqttClientTcpOptions)options.ChannelOptions).NoDelay = true;
        await mqtt.ConnectAsync(options);
        return args[0] == "writer"
            ? await WriterAsync(mqtt, args[2], int.Parse(args[3], CultureInfo.InvariantCulture))
            : await FollowerAsync(mqtt, args[2], args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : null);
    }

    private static async Task<int> WriterAsync(IMqttClient mqtt, string dir, int httpPort)
    {
        using var log = new FloorLog(Path.Combine(dir, "writer.log"), batch =>
        {
            var payload = new byte[batch.Count * 5];
            for (var i = 0; i < batch.Count; i++)
            {
                var pending = (Pending)batch[i].State!;
                payload[i * 5] = (byte)pending.Run;
                BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan((i * 5) + 1), pending.Number);
            }

            // Pushed before the answers, not awaited: as the agent does.
            _ = mqtt.PublishBinaryAsync(Topic, payload, MqttQualityOfServiceLevel.AtLeastOnce);
            foreach (var (_, state) in batch)
                ((Pending)state!).Done.SetResult();
        });
        await using var app = Server(httpPort);
        app.MapPut("/v1/kv/{**key}", async ctx =>
        {
            // Read as the agent reads a value: into a buffer the declared length sizes.
            var body = new ArrayBufferWriter<byte>((int)(ctx.Request.ContentLength ?? 1024) + 1);
            while (await ctx.Request.Body.ReadAsync(body.GetMemory(1), ctx.RequestAborted) is var n and > 0)
                body.Advance(n);
            var key = (string)ctx.Request.RouteValues["key"]!;
            // The answer runs on the log thread right after the push, as the agent answers inline.
            // Keys are floor/RUN/N, RUN one letter.
            var pending = new Pending(key[6], int.Parse(key[8..], CultureInfo.InvariantCulture), new TaskCompletionSource());
            log.Enqueue(body.WrittenSpan.ToArray(), pending);
            await pending.Done.Task;
            ctx.Response.ContentType = "application/json";
            ctx.Response.ContentLength = Answer.Length;
            await ctx.Response.Body.WriteAsync(Answer);
        });
        await app.StartAsync();
        Console.WriteLine("ready");
        await Commands(_ => { });
        await app.StopAsync();
        return 0;
    }

    private static async Task<int> FollowerAsync(IMqttClient mqtt, string dir, int? httpPort)
    {
        var held = new List<(char Run, int Number, long Ticks)>();
        var readers = new List<Channel<byte[]>>();
        using var log = new FloorLog(Path.Combine(dir, "follower.log"), batch =>
        {
            var now = DateTime.UtcNow; // the same clock the fleet benchmark reads from the agents' `at`
            lock (held)
            {
                foreach (var (data, _) in batch)
                {
                    for (var i = 0; i + 5 <= data.Length; i += 5)
                    {
                        var (run, n) = ((char)data[i], BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(i + 1)));
                        held.Add((run, n, now.Ticks));
                        if (readers.Count == 0)
                            continue;
                        var e = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"data: {{\"key\":\"floor/{run}/{n}\",\"at\":\"{now:O}\"}}\n\n"));
                        foreach (var reader in readers)
                            reader.Writer.TryWrite(e);
                    }
                }
            }
        });
        mqtt.ApplicationMessageReceivedAsync += e =>
        {
            log.Enqueue(e.ApplicationMessage.Payload.ToArray(), null);
            return Task.CompletedTask;
        };
        await mqtt.SubscribeAsync(Topic, MqttQualityOfServiceLevel.AtLeastOnce);
        await using var feed = httpPort is { } port ? await FeedAsync(port, held, readers) : null;
        Console.WriteLine("ready");
        await Commands(command =>
        {
            if (command != "dump")
                return;
            lock (held)
            {
                foreach (var (run, n, ticks) in held)
                    Console.Out.Write(string.Create(CultureInfo.InvariantCulture, $"{run},{n},{ticks}\n"));
            }

            Console.Out.Write("end\n");
            Console.Out.Flush();
        });
        return 0;
    }

    /// <summary>
    /// A changes feed as the agent serves one (<c>GET /v1/changes</c>, one server-sent event per durable
    /// write, each reader woken by the log thread and writing on its own), for the floor with a feed.
    /// </summary>
    private static async Task<WebApplication> FeedAsync(int port, object gate, List<Channel<byte[]>> readers)
    {
        var app = Server(port);
        app.MapGet("/v1/changes", async ctx =>
        {
            var events = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
            lock (gate)
                readers.Add(events);
            ctx.Response.ContentType = "text/event-stream";
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            try
            {
                while (await events.Reader.WaitToReadAsync(ctx.RequestAborted))
                {
                    while (events.Reader.TryRead(out var e))
                        await ctx.Response.Body.WriteAsync(e, ctx.RequestAborted);
                    await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                lock (gate)
                    readers.Remove(events);
            }
        });
        await app.StartAsync();
        return app;
    }

    /// <summary>Kestrel on 127.0.0.1:<paramref name="port"/>, set up as the agent sets up its own (answers run inline), no logging.</summary>
    private static WebApplication Server(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        return builder.Build();
    }

    /// <summary>
    /// Runs each line of standard input through <paramref name="run"/> until it ends, on a thread of its
    /// own: Console.In's reads block, and a blocked pool thread would leave Kestrel and MQTTnet short of one.
    /// </summary>
    private static Task Commands(Action<string> run) =>
        Task.Factory.StartNew(
            () =>
            {
                while (Console.ReadLine() is { } line)
                    run(line);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    private sealed record Pending(char Run, int Number, TaskCompletionSource Done);
}
