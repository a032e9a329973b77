namespace EdgeSync.Agent.Memory;

/// <summary>
/// Gives memory back after a burst. The GC keeps the space a burst of writes (or the start-up scan
/// of a large store) made it commit, so an agent that took 100k writes stayed ~15 MB above what it
/// needs for good. Every <see cref="Interval"/>, once the process has gone quiet after allocating a
/// lot, one aggressive full collection compacts the heap and decommits the rest, and the C heap's
/// free pages go back to the OS (<see cref="NativeHeap"/>). Under steady load
/// it stays out of the way (the memory is in use); when it runs it costs one blocking collection of
/// a small heap, a few milliseconds.
/// </summary>
public sealed class MemoryTrim(TimeProvider time, ILogger<MemoryTrim> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    /// <summary>Allocation since the last trim below which a trim is not worth it.</summary>
    public const long MinAllocated = 32L * 1024 * 1024;

    /// <summary>Allocation within one interval above which the process is busy, not done with a burst.</summary>
    public const long QuietAllocated = 8L * 1024 * 1024;

    /// <summary>GC commitment below which there is nothing worth giving back.</summary>
    public const long MinCommitted = 12L * 1024 * 1024;

    /// <summary>Trims so far.</summary>
    public long Trims { get; private set; }

    public static bool ShouldTrim(long allocatedSinceTrim, long allocatedThisInterval, long committed) =>
        allocatedSinceTrim >= MinAllocated && allocatedThisInterval <= QuietAllocated && committed >= MinCommitted;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        var trimmedAt = 0L; // so the start-up scan of a large store counts as a burst
        var tickAt = GC.GetTotalAllocatedBytes();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var allocated = GC.GetTotalAllocatedBytes();
                var committed = GC.GetGCMemoryInfo().TotalCommittedBytes;
                var quietEnough = ShouldTrim(allocated - trimmedAt, allocated - tickAt, committed);
                tickAt = allocated;
                if (!quietEnough)
                {
                    continue;
                }

                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                NativeHeap.Trim();
                trimmedAt = tickAt = GC.GetTotalAllocatedBytes();
                Trims++;
                log.LogDebug("Memory trim: GC committed {Before} -> {After} bytes", committed, GC.GetGCMemoryInfo().TotalCommittedBytes);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
