using System.Globalization;

namespace EdgeSync.Core.Clocks;

/// <summary>
/// A hybrid logical clock reading: wall milliseconds plus a logical counter that orders events
/// within (or behind) the same millisecond. Compared lexicographically.
/// </summary>
public readonly record struct HybridTimestamp(long WallMs, int Logical) : IComparable<HybridTimestamp>
{
    public static readonly HybridTimestamp Zero = new(0, 0);

    public int CompareTo(HybridTimestamp other)
    {
        var byWall = WallMs.CompareTo(other.WallMs);
        return byWall != 0 ? byWall : Logical.CompareTo(other.Logical);
    }

    public static bool operator <(HybridTimestamp a, HybridTimestamp b) => a.CompareTo(b) < 0;

    public static bool operator >(HybridTimestamp a, HybridTimestamp b) => a.CompareTo(b) > 0;

    public static bool operator <=(HybridTimestamp a, HybridTimestamp b) => a.CompareTo(b) <= 0;

    public static bool operator >=(HybridTimestamp a, HybridTimestamp b) => a.CompareTo(b) >= 0;

    public static HybridTimestamp Max(HybridTimestamp a, HybridTimestamp b) => a >= b ? a : b;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{WallMs}.{Logical}");
}
