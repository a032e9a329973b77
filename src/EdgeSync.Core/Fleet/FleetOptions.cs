using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Fleet;

/// <summary>
/// Membership and election timing. The lease is derived, not configured: it must end before any
/// voter that acknowledged it could vote again, even with clocks running at different rates.
/// </summary>
public sealed class FleetOptions
{
    public required IReadOnlyList<string> Members { get; init; }

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan LeaderPingInterval { get; init; } = TimeSpan.FromMilliseconds(150);

    public TimeSpan ElectionTimeoutMin { get; init; } = TimeSpan.FromMilliseconds(1000);

    public TimeSpan ElectionTimeoutMax { get; init; } = TimeSpan.FromMilliseconds(1800);

    /// <summary>Largest clock-rate error assumed between any two nodes (0.05 = 5 %).</summary>
    public double MaxClockDrift { get; init; } = 0.05;

    public int Quorum => (Members.Count / 2) + 1;

    /// <summary>
    /// The leader's lease: a voter that acknowledged a ping refuses votes for
    /// <see cref="ElectionTimeoutMin"/> on its own clock, so the lease (on the leader's clock)
    /// must be shorter than that window seen through the worst drift, with a margin.
    /// </summary>
    public TimeSpan LeaseDuration =>
        TimeSpan.FromTicks((long)(ElectionTimeoutMin.Ticks * (1 - MaxClockDrift) / (1 + MaxClockDrift) * 0.85));

    public IEnumerable<string> Validate(string self)
    {
        if (Members.Count == 0)
        {
            yield return "Fleet:Members must list at least this node.";
        }

        foreach (var m in Members)
        {
            if (!NodeId.IsValid(m))
            {
                yield return $"Fleet:Members has '{m}'; node ids must be {NodeId.Rule}.";
            }
        }

        if (Members.Distinct(StringComparer.Ordinal).Count() != Members.Count)
        {
            yield return "Fleet:Members lists a node twice.";
        }

        if (!Members.Contains(self, StringComparer.Ordinal))
        {
            yield return $"Fleet:Members must include this node ('{self}').";
        }

        if (HeartbeatInterval <= TimeSpan.Zero)
        {
            yield return "Fleet:HeartbeatInterval must be positive.";
        }

        if (ElectionTimeoutMin <= LeaderPingInterval * 2 || ElectionTimeoutMax <= ElectionTimeoutMin)
        {
            yield return "Fleet:ElectionTimeoutMin must exceed two leader pings and be below Fleet:ElectionTimeoutMax.";
        }

        if (MaxClockDrift is < 0 or >= 0.5)
        {
            yield return "Fleet:MaxClockDrift must be in [0, 0.5).";
        }
    }
}
