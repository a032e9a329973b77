namespace EdgeSync.Agent.Memory;

/// <summary>
/// Gives memory back after a burst. The GC keeps the space a burst of writes (or the start-up scan
/// of a large store) made it commit, so an agent that took 100k writes stayed ~30 MB above its idle
/// size for good. Every <see cref="Interval"/>, if the process allocated a lot since the last trim
/// and the GC holds much more than it uses, one aggressive full collection decommits the slack.
/// It costs one blocking collection of a small heap (milliseconds) at most once per interval.
/// </summary>
public sealed class MemoryTrim(TimeProvider time, ILogger<MemoryTrim> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    /// <summary>Allocation since the last trim below which a trim is not worth it.</summary>
    public const long MinAllocated = 32L * 1024 * 1024;

    /// <summary>Committed-but-unused GC memory below which there is nothing worth giving back.</summary>
    public const long MinSlack = 8L * 1024 * 1024;

    /// <summary>Trims so far.</summary>
    public long Trims { get; private set; }

    public static bool ShouldTrim(long allocatedSinceLast, long committed, long heapSize) =>
        allocatedSinceLast >= MinAllocated && committed - heapSize >= MinSlack;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        var last = 0L; // so the start-up scan of a large store counts as a burst
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var allocated = GC.GetTotalAllocatedBytes();
                var info = GC.GetGCMemoryInfo();
                if (!ShouldTrim(allocated - last, info.TotalCommittedBytes, info.HeapSizeBytes))
                {
                    continue;
                }

                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                last = GC.GetTotalAllocatedBytes();
                Trims++;
                log.LogDebug("Memory trim: GC committed {Before} -> {After} bytes", info.TotalCommittedBytes, GC.GetGCMemoryInfo().TotalCommittedBytes);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
