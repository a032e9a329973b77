namespace EdgeSync.Core.Clocks;

/// <summary>
/// Hybrid logical clock (Kulkarni et al.): never goes backwards, even when the wall clock does
/// (a Pi without RTC boots in 1970), and moves past every timestamp it observes from peers.
/// The owner persists <see cref="Last"/> so it also never goes backwards across restarts.
/// Not thread-safe: the replica's single writer owns it.
/// </summary>
public sealed class HybridLogicalClock
{
    private readonly TimeProvider _time;

    public HybridLogicalClock(TimeProvider time, HybridTimestamp last)
    {
        _time = time;
        Last = last;
    }

    public HybridTimestamp Last { get; private set; }

    /// <summary>How far peers' clocks pulled us ahead of our own wall clock, in milliseconds.</summary>
    public long AheadOfWallMs => Math.Max(0, Last.WallMs - WallNow());

    public HybridTimestamp Now()
    {
        var wall = WallNow();
        Last = wall > Last.WallMs ? new HybridTimestamp(wall, 0) : Last with { Logical = Last.Logical + 1 };
        return Last;
    }

    public void Observe(HybridTimestamp remote)
    {
        var wall = WallNow();
        var max = Math.Max(wall, Math.Max(Last.WallMs, remote.WallMs));
        int logical;
        if (max == Last.WallMs && max == remote.WallMs)
        {
            logical = Math.Max(Last.Logical, remote.Logical) + 1;
        }
        else if (max == Last.WallMs)
        {
            logical = Last.Logical + 1;
        }
        else if (max == remote.WallMs)
        {
            logical = remote.Logical + 1;
        }
        else
        {
            logical = 0;
        }

        Last = new HybridTimestamp(max, logical);
    }

    private long WallNow() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
