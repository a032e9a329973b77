using System.Diagnostics;
using System.Globalization;

namespace EdgeSync.Benchmarks;

/// <summary>
/// The fleet benchmark's lag run: paced PUTs on the writer, each timed to being applied on every
/// follower, and which of the slowest an agent's garbage collection held up.
/// </summary>
internal static class PacedLag
{
    /// <summary>
    /// Open-loop PUTs on the writer at a fixed rate: each is sent at its due time whether or not the
    /// ones before it were acknowledged (a closed loop would cap the rate at 1 / ack latency), by
    /// <see cref="LeanLoad.PacedPutsAsync"/>; each one's lag to being applied on every follower.
    /// </summary>
    public static async Task<LagResult> RunAsync(FleetBenchAgent writer, FleetBenchAgent[] followers, int count, double rate, string? timeline = null)
    {
        var prefix = $"bench/lag/{Guid.NewGuid():N}/";
        var clock = Stopwatch.StartNew();
        // Wall-clock anchor of the timeline, only for lining it up with other recordings of the same run.
        var startUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var go = new TaskCompletionSource();
        var ready = followers.Select(_ => new TaskCompletionSource()).ToArray();
        var watchers = followers.Select((f, k) => ChangesFeedWatch.WatchAsync(f, prefix, count, clock, go.Task, ready[k])).ToArray();
        await Task.WhenAll(ready.Select(r => r.Task));
        go.SetResult();
        var (sentAt, sentWall, putMs) = await LeanLoad.PacedPutsAsync(writer.Port, prefix, count, rate, clock);
        var achieved = count / (clock.Elapsed.TotalMilliseconds / 1000);
        var seen = await Task.WhenAll(watchers);

        // Per follower and write, PUT sent → applied: the lag figures, the timeline and the GC matching all read these.
        var lagMs = seen.Select(f => f.Applied.Select((at, i) => (at - sentWall[i]).TotalMilliseconds).ToArray()).ToArray();
        var lags = lagMs.SelectMany(l => l).ToList();
        var seenLags = seen.SelectMany(f => f.Seen.Select((v, i) => v - sentAt[i])).ToList();
        if (timeline is not null)
        {
            // Per write, for finding when the slow ones happened (bursts or spread out, writer or follower side).
            static string Ms(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
            File.WriteAllLines(timeline, [
                $"# start_unix_ms={startUnixMs}",
                "sent_ms,put_ms," + string.Join(",", followers.Select(f => $"lag_{f.Id}_ms,seen_{f.Id}_ms")),
                .. Enumerable.Range(0, count).Select(i => string.Join(",", [
                    Ms(sentAt[i]), Ms(putMs[i]),
                    .. seen.SelectMany((f, k) => new[] { Ms(lagMs[k][i]), Ms(f.Seen[i] - sentAt[i]) })])),
            ]);
        }

        return new LagResult(Latency.Of(lags), lags.Max(), Latency.Of(seenLags), Latency.Of([.. putMs]), achieved, sentWall, [.. seen.Select(f => f.Applied)], lagMs);
    }

    /// <summary>
    /// Of the lag samples (one per write and follower) at or above the p99, how many a garbage
    /// collection of the writer or of that follower overlapped (the sample's span, from the PUT sent
    /// to applied, met a pause); and the p99 of the samples none overlapped. Null without watches or
    /// when one could not be started. Stops the watches (the writer's first, then the followers').
    /// </summary>
    public static async Task<HeldUp?> HeldUpByCollectionsAsync(LagResult lag, AgentGcWatch?[] watches)
    {
        var pauses = new List<IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)>>();
        foreach (var watch in watches)
        {
            if (watch is not null)
            {
                pauses.Add(await watch.StopAsync());
            }
        }

        if (watches.Length == 0 || pauses.Count != watches.Length)
        {
            return null;
        }

        var samples = lag.Applied.SelectMany((applied, k) => applied.Select((at, i) => (
            Ms: lag.LagMs[k][i],
            Held: Overlaps(pauses[0], lag.SentWall[i], at) || Overlaps(pauses[k + 1], lag.SentWall[i], at)))).ToList();
        var slow = samples.Where(s => s.Ms >= lag.Lag.P99).ToList();
        var (first, last) = (lag.SentWall[0], lag.Applied.Max(a => a.Max()));
        var collections = pauses.Sum(p => p.Count(pause => pause.Start < last && pause.End > first));
        return new HeldUp(slow.Count, slow.Count(s => s.Held), Latency.Of([.. samples.Where(s => !s.Held).Select(s => s.Ms)]).P99, collections);
    }

    private static bool Overlaps(IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)> pauses, DateTimeOffset from, DateTimeOffset to) =>
        pauses.Any(p => p.Start < to && p.End > from);
}
