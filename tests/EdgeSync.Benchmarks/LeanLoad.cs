using System.Diagnostics;
using System.Globalization;

namespace EdgeSync.Benchmarks;

/// <summary>
/// The fleet benchmark's load generator on blocking sockets and dedicated threads (see
/// <see cref="LeanHttpConnection"/>): a write costs the generator one wake-up to send and one to
/// read the answer, and nothing is allocated while the paced run sends.
/// </summary>
public static class LeanLoad
{
    private const int PacedConnections = 16;

    /// <summary>How long an answer may take before the run counts the agent as stuck.</summary>
    private static readonly TimeSpan AnswerDeadline = TimeSpan.FromSeconds(60);

    /// <summary>
    /// PUTs of <paramref name="prefix"/>0, 1, … (each key's number as its value), <paramref name="count"/>
    /// of them, sent by <see cref="Paced"/> on a thread of its own and timed on <paramref name="clock"/>.
    /// </summary>
    public static async Task<(double[] SentAt, DateTimeOffset[] SentWall, double[] PutMs)> PacedPutsAsync(int port, string prefix, int count, double rate, Stopwatch clock)
    {
        var requests = Enumerable.Range(0, count)
            .Select(n => LeanHttpConnection.Request("PUT", $"v1/kv/{prefix}{n}", n.ToString(CultureInfo.InvariantCulture)))
            .ToArray();
        var (sentAt, sentWall, putMs) = (new double[count], new DateTimeOffset[count], new double[count]);
        await Task.Factory.StartNew(() => Paced(port, requests, rate, clock, sentAt, sentWall, putMs), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return (sentAt, sentWall, putMs);
    }

    /// <summary>
    /// Sends <paramref name="requests"/> open-loop at <paramref name="rate"/> a second from one thread,
    /// each on an idle connection (pipelined on the least busy one if none is idle), stamping each send
    /// just before it leaves; each connection's own thread reads its answers. Returns when every
    /// request was answered; throws if one failed.
    /// </summary>
    public static void Paced(int port, byte[][] requests, double rate, Stopwatch clock, double[] sentAt, DateTimeOffset[] sentWall, double[] putMs)
    {
        var connections = Enumerable.Range(0, PacedConnections).Select(_ => new Lane(port)).ToArray();
        var remaining = requests.Length;
        using var finished = new ManualResetEventSlim();
        Exception? failure = null;
        var readers = connections.Select(lane => new Thread(() =>
        {
            try
            {
                while (true)
                {
                    var status = lane.Connection.ReadResponse();
                    var n = lane.Answered();
                    putMs[n] = clock.Elapsed.TotalMilliseconds - Volatile.Read(ref sentAt[n]);
                    if (status != 200)
                        throw new InvalidOperationException($"PUT {n} answered {status}");
                    if (Interlocked.Decrement(ref remaining) == 0)
                        finished.Set();
                }
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException or InvalidDataException)
            {
                // After the last answer this is the connection being closed; before it, a failure.
                if (!finished.IsSet)
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                    finished.Set();
                }
            }
        }) { IsBackground = true, Name = "lean-reader" }).ToArray();
        foreach (var r in readers)
            r.Start();

        try
        {
            var interval = 1000.0 / rate;
            for (var i = 0; i < requests.Length && !finished.IsSet; i++)
            {
                // Sleep to the due time (pacing, not synchronising); a send up to ~1 ms late is fine:
                // each lag is counted from its actual send.
                var early = i * interval - clock.Elapsed.TotalMilliseconds;
                if (early >= 1)
                    Thread.Sleep((int)early);

                var lane = connections[0];
                foreach (var c in connections)
                {
                    if (c.InFlight < lane.InFlight)
                        lane = c;
                }

                lane.Sending(i);
                sentWall[i] = DateTimeOffset.UtcNow;
                Volatile.Write(ref sentAt[i], clock.Elapsed.TotalMilliseconds);
                lane.Connection.Send(requests[i]);
            }

            if (!finished.Wait(AnswerDeadline))
                throw new TimeoutException($"the agent answered {requests.Length - Volatile.Read(ref remaining)} of {requests.Length} paced PUTs within {AnswerDeadline.TotalSeconds:0} s of the last");
            if (Volatile.Read(ref failure) is not null)
                throw new InvalidOperationException("the paced load failed", failure);
        }
        finally
        {
            foreach (var c in connections)
                c.Connection.Dispose();
            foreach (var r in readers)
                r.Join();
        }
    }

    /// <summary>
    /// <paramref name="threads"/> closed-loop clients, each its own connection and thread, sending the
    /// request <paramref name="next"/> gives them until it gives null.
    /// </summary>
    public static Task ClosedAsync(int port, int threads, Func<byte[]?> next)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var left = threads;
        for (var t = 0; t < threads; t++)
        {
            new Thread(() =>
            {
                try
                {
                    using var connection = new LeanHttpConnection(port, receiveTimeout: AnswerDeadline); // each wait is for an answer
                    while (next() is { } request)
                    {
                        connection.Send(request);
                        if (connection.ReadResponse() is var status and not 200)
                            throw new InvalidOperationException($"a write was answered {status}");
                    }

                    if (Interlocked.Decrement(ref left) == 0)
                        done.TrySetResult();
                }
                catch (Exception e)
                {
                    done.TrySetException(e);
                }
            }) { IsBackground = true, Name = "lean-client" }.Start();
        }

        return done.Task;
    }

    /// <summary>A connection and the requests sent on it not yet answered, oldest first.</summary>
    private sealed class Lane(int port)
    {
        private readonly Queue<int> _pending = new();

        public LeanHttpConnection Connection { get; } = new(port);

        public int InFlight
        {
            get
            {
                lock (_pending)
                    return _pending.Count;
            }
        }

        public void Sending(int n)
        {
            lock (_pending)
                _pending.Enqueue(n);
        }

        public int Answered()
        {
            lock (_pending)
                return _pending.Dequeue();
        }
    }
}
