using System.Collections.Immutable;
using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Store;

/// <summary>
/// Everything a replica holds for one key: the live versions (siblings, sorted by dot) and the
/// causal context (every per-key dot this state has seen, live or superseded). Treated as
/// immutable: operations build new states. This is also the unit of replication.
/// </summary>
public sealed record KeyState(string Key, ImmutableArray<Sibling> Siblings, DotSet Context)
{
    public static KeyState Empty(string key) => new(key, [], new DotSet());

    public bool IsEmpty => Siblings.IsDefaultOrEmpty && Context.IsEmpty;

    public bool IsDeleted => Siblings.All(s => s.IsTombstone);

    public IEnumerable<Sibling> LiveValues => Siblings.Where(s => !s.IsTombstone);

    public HybridTimestamp MaxTimestamp => Siblings.Length == 0 ? HybridTimestamp.Zero : Siblings.Max(s => s.Timestamp);

    /// <summary>Same siblings (by dot) and same context: nothing would change.</summary>
    public bool SameAs(KeyState other) =>
        Siblings.Length == other.Siblings.Length
        && Siblings.Zip(other.Siblings).All(p => p.First.Dot == p.Second.Dot && p.First.Past.Equals(p.Second.Past))
        && Context.Equals(other.Context);

    /// <summary>Approximate encoded size, for batching and rate limits.</summary>
    public int ApproximateBytes => Key.Length + 32 + Context.ToString().Length
        + Siblings.Sum(s => 48 + (s.Value?.Length ?? 0) + (s.Past.Count * 12));
}
