using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace EdgeSync.Benchmarks;

/// <summary>The fleet benchmark's reader of a follower's changes feed: when each measured write was applied there.</summary>
public static class ChangesFeedWatch
{
    /// <summary>
    /// Follows a follower's changes feed (server-sent events, pushed by the agent as it applies each
    /// update) for this run's keys, on a thread and connection of its own (<see cref="LeanHttpConnection"/>);
    /// returns when the follower applied each of the <paramref name="count"/> writes (its <c>at</c>) and
    /// when this reader saw it. Event-driven: no polling load on the fleet.
    /// </summary>
    public static Task<(DateTimeOffset[] Applied, double[] Seen)> WatchAsync(FleetBenchAgent follower, string prefix, int count, Stopwatch clock, Task subscribed, TaskCompletionSource ready) =>
        WatchAsync(follower.Port, follower.Id, prefix, count, clock, subscribed, ready);

    /// <summary>The same for any server of such a feed on <paramref name="port"/> (the floor's followers).</summary>
    public static Task<(DateTimeOffset[] Applied, double[] Seen)> WatchAsync(int port, string id, string prefix, int count, Stopwatch clock, Task subscribed, TaskCompletionSource ready) =>
        Task.Factory.StartNew(() =>
        {
            var visible = new double[count];
            var applied = new DateTimeOffset[count];
            Array.Fill(visible, double.NaN);
            var have = 0;
            var keyPrefix = Encoding.UTF8.GetBytes(prefix);
            var line = new ArrayBufferWriter<byte>(1024);
            using var feed = new LeanHttpConnection(port, receiveTimeout: TimeSpan.FromSeconds(120));
            feed.Send(LeanHttpConnection.Request("GET", $"v1/changes?prefix={Uri.EscapeDataString(prefix)}", null));
            var head = feed.ReadHead();
            if (head.Status != 200)
                throw new InvalidOperationException($"{id}'s changes feed answered {head.Status}");
            ready.TrySetResult();
            subscribed.Wait();
            try
            {
                feed.ReadBody(head, piece =>
                {
                    while (true)
                    {
                        var end = piece.IndexOf((byte)'\n');
                        if (end < 0)
                        {
                            line.Write(piece);
                            return true;
                        }

                        line.Write(piece[..end]);
                        piece = piece[(end + 1)..];
                        if (ChangeOf(line.WrittenSpan, keyPrefix) is ({ } i, var at) && i < count && double.IsNaN(visible[i]))
                        {
                            visible[i] = clock.Elapsed.TotalMilliseconds;
                            applied[i] = at;
                            if (++have == count)
                                return false;
                        }

                        line.ResetWrittenCount();
                    }
                });
            }
            catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.TimedOut)
            {
            }

            if (have < count)
                throw new TimeoutException($"{id} showed only {have} of {count} writes in its changes feed");
            return (applied, visible);
        }, TaskCreationOptions.LongRunning);

    /// <summary>A feed line's write number (its key after <paramref name="keyPrefix"/>) and <c>at</c>, or null for any other line.</summary>
    private static (int? Write, DateTimeOffset At) ChangeOf(ReadOnlySpan<byte> line, ReadOnlySpan<byte> keyPrefix)
    {
        if (!line.StartsWith("data: "u8))
            return (null, default);
        var json = new Utf8JsonReader(line[6..]);
        int? write = null;
        DateTimeOffset? at = null;
        while (json.Read() && json.CurrentDepth <= 1)
        {
            if (json.TokenType != JsonTokenType.PropertyName || json.CurrentDepth != 1)
                continue;
            if (json.ValueTextEquals("key"u8))
            {
                json.Read();
                var key = json.ValueSpan; // keys are written without escapes (plain ASCII here)
                if (json.TokenType == JsonTokenType.String && key.StartsWith(keyPrefix)
                    && Utf8Parser.TryParse(key[keyPrefix.Length..], out int n, out var used) && used == key.Length - keyPrefix.Length)
                    write = n;
            }
            else if (json.ValueTextEquals("at"u8))
            {
                json.Read();
                at = json.TokenType == JsonTokenType.String ? json.GetDateTimeOffset() : null;
            }
            else
            {
                json.Skip();
            }
        }

        return write is { } w && at is { } a && w >= 0 ? (w, a) : (null, default);
    }
}
