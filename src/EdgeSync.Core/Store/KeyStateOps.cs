using System.Collections.Immutable;
using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Store;

/// <summary>
/// The pure causal rules for one key. A state is a set of dotted versions plus the context of
/// every dot it has seen; a version survives a merge unless the other side has seen its dot and
/// dropped it. Merge is a join: commutative, associative and idempotent, so replicas converge
/// whatever order, duplication or repetition updates arrive in.
/// </summary>
public static class KeyStateOps
{
    public static KeyState Merge(KeyState local, KeyState remote, ConflictPolicy policy)
    {
        var localByDot = local.Siblings.ToDictionary(s => s.Dot);
        var remoteByDot = remote.Siblings.ToDictionary(s => s.Dot);
        var kept = new List<Sibling>(local.Siblings.Length + remote.Siblings.Length);

        // What the versions dropped here had superseded. Under LWW a version's past holds the
        // losers folded into it, which nothing else remembers, so the survivor must inherit it
        // or tombstone purge stops waiting for them (and the result would depend on merge order).
        var dropped = VersionVector.Empty;
        foreach (var l in local.Siblings)
        {
            if (remoteByDot.TryGetValue(l.Dot, out var r))
            {
                // The same version on both sides; pasts may differ after LWW folds, so join them.
                kept.Add(l.Past.Equals(r.Past) ? l : l with { Past = l.Past.Merge(r.Past) });
            }
            else if (!remote.Context.Contains(l.Dot))
            {
                kept.Add(l);
            }
            else
            {
                dropped = dropped.Merge(l.Past).With(l.Origin, l.Seq);
            }
        }

        foreach (var r in remote.Siblings)
        {
            if (!localByDot.ContainsKey(r.Dot) && !local.Context.Contains(r.Dot))
            {
                kept.Add(r);
            }
            else if (!localByDot.ContainsKey(r.Dot))
            {
                dropped = dropped.Merge(r.Past).With(r.Origin, r.Seq);
            }
        }

        var context = local.Context.Clone();
        context.UnionWith(remote.Context);
        return Normalise(local.Key, kept, context, policy, dropped);
    }

    /// <summary>
    /// A new version written on this node: it supersedes exactly the versions
    /// <paramref name="clientContext"/> has seen and lives beside the rest.
    /// </summary>
    public static KeyState Write(KeyState local, DotSet clientContext, Sibling fresh, ConflictPolicy policy)
    {
        // Under LWW the timestamp decides, so a write supersedes what this node holds. A client
        // context read elsewhere may name versions this node has not seen, with timestamps its
        // clock never passed; claiming them superseded lets replicas drop each other's winners
        // (the key ends up with no value at all).
        if (policy == ConflictPolicy.Lww)
        {
            clientContext = local.Context;
        }

        var kept = new List<Sibling>(local.Siblings.Length + 1);
        var past = VersionVector.Empty;
        foreach (var s in local.Siblings)
        {
            if (clientContext.Contains(s.Dot))
            {
                past = past.Merge(s.Past).With(s.Origin, s.Seq);
            }
            else
            {
                kept.Add(s);
            }
        }

        kept.Add(fresh with { Past = fresh.Past.Merge(past) });
        var context = local.Context.Clone();
        context.UnionWith(clientContext);
        context.Add(fresh.Dot);
        return Normalise(local.Key, kept, context, policy, VersionVector.Empty);
    }

    /// <summary>Versions that would remain beside a new write with this context.</summary>
    public static int RemainingAfterWrite(KeyState local, DotSet clientContext) =>
        local.Siblings.Count(s => !clientContext.Contains(s.Dot));

    private static KeyState Normalise(string key, List<Sibling> siblings, DotSet context, ConflictPolicy policy, VersionVector dropped)
    {
        if (policy == ConflictPolicy.Lww && (siblings.Count > 1 || (siblings.Count == 1 && !siblings[0].Past.Dominates(dropped))))
        {
            // Fold the losers into the winner's past so tombstone GC still waits for them.
            var winner = siblings[0];
            foreach (var s in siblings.Skip(1))
            {
                if (Sibling.CompareForLww(s, winner) > 0)
                {
                    winner = s;
                }
            }

            var past = winner.Past.Merge(dropped);
            foreach (var s in siblings)
            {
                if (s.Dot != winner.Dot)
                {
                    past = past.Merge(s.Past).With(s.Origin, s.Seq);
                }
            }

            return new KeyState(key, [winner with { Past = past }], context);
        }

        siblings.Sort((a, b) => a.Dot.CompareTo(b.Dot));
        return new KeyState(key, siblings.ToImmutableArray(), context);
    }
}
