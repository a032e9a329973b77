using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Store;

/// <summary>
/// One version of a key. <see cref="Dot"/> is its per-key causal identity (writer node and a
/// counter taken from the writer's node-wide sequence, so a dot is never reused, even after the
/// key is purged and written again); <see cref="Seq"/> is the writer's node-wide update
/// sequence, which anti-entropy and session tokens track (today equal to the dot's counter). <see cref="Past"/> summarises the node-wide
/// updates this version superseded, so a tombstone is purged only once every member has them all.
/// A null <see cref="Value"/> is a tombstone.
/// </summary>
public sealed record Sibling(Dot Dot, long Seq, HybridTimestamp Timestamp, string? Value, VersionVector Past)
{
    public bool IsTombstone => Value is null;

    public string Origin => Dot.Node;

    /// <summary>The node-wide update this version was written as.</summary>
    public Dot Update => new(Dot.Node, Seq);

    /// <summary>LWW order: higher hybrid timestamp wins, ties broken by node id, the same on every node.</summary>
    public static int CompareForLww(Sibling a, Sibling b)
    {
        var byTime = a.Timestamp.CompareTo(b.Timestamp);
        if (byTime != 0)
        {
            return byTime;
        }

        var byNode = string.CompareOrdinal(a.Origin, b.Origin);
        return byNode != 0 ? byNode : a.Dot.Counter.CompareTo(b.Dot.Counter);
    }
}
