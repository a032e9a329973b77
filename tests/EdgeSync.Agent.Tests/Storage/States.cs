using System.Collections.Immutable;
using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Tests.Storage;

/// <summary>Hand-built key states for storage tests: (origin, dot counter, node-wide seq, value or null for a tombstone).</summary>
internal static class States
{
    public static KeyState Make(string key, params (string Origin, long Counter, long Seq, string? Value)[] versions)
    {
        var siblings = versions
            .Select(v => new Sibling(new Dot(v.Origin, v.Counter), v.Seq, new HybridTimestamp(1_000 + v.Seq, 0), v.Value, VersionVector.Empty.With(v.Origin, Math.Max(0, v.Seq - 1))))
            .OrderBy(s => s.Dot.Node, StringComparer.Ordinal).ThenBy(s => s.Dot.Counter)
            .ToImmutableArray();
        var context = new DotSet();
        foreach (var s in siblings)
        {
            context.AddPrefix(s.Dot.Node, s.Dot.Counter);
        }

        return new KeyState(key, siblings, context);
    }
}
