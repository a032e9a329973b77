using CsCheck;
using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Tests.Clocks;

/// <summary>
/// Generators for the clock types. Node ids come from a small pool so that generated values
/// overlap (merges and unions are only interesting when nodes repeat); counters stay small so
/// that a reference model can enumerate every dot.
/// </summary>
public static class ClockGens
{
    public const long MaxCounter = 24;

    public static readonly Gen<string> Node = Gen.OneOfConst("a", "b", "c", "d", "pi-kitchen.2", "Z_9");

    public static readonly Gen<long> Counter = Gen.Long[0, MaxCounter];

    public static readonly Gen<VersionVector> Vector =
        Gen.Select(Node, Counter).Array[0, 6]
            .Select(pairs => VersionVector.From(pairs.Select(p => new KeyValuePair<string, long>(p.Item1, p.Item2))));

    /// <summary>One step of building a dot set: a single (possibly out-of-order) dot or a prefix.</summary>
    public static readonly Gen<DotOp> Op =
        Gen.Select(Gen.Int[0, 3], Node, Gen.Long[-1, MaxCounter])
            .Select(t => new DotOp(t.Item1 == 0, t.Item2, t.Item3));

    public static readonly Gen<DotOp[]> Ops = Op.Array[0, 30];

    /// <summary>Dot sets built by random adds and prefixes, so most have gaps (extras).</summary>
    public static readonly Gen<DotSet> Set = Ops.Select(Build);

    public static readonly Gen<HybridTimestamp> Timestamp =
        Gen.Select(Gen.OneOf(Gen.Long[0, 50], Gen.Long[1_700_000_000_000, 1_700_000_000_050]), Gen.Int[0, 5])
            .Select(t => new HybridTimestamp(t.Item1, t.Item2));

    public static DotSet Build(IEnumerable<DotOp> ops)
    {
        var set = new DotSet();
        foreach (var op in ops)
        {
            op.ApplyTo(set);
        }

        return set;
    }

    /// <summary>Every dot in the set, enumerated from its observable surface (base and extras).</summary>
    public static HashSet<Dot> Dots(DotSet set)
    {
        var dots = new HashSet<Dot>();
        foreach (var node in set.Nodes)
        {
            for (var c = 1L; c <= set.BaseOf(node); c++)
            {
                dots.Add(new Dot(node, c));
            }

            foreach (var c in set.ExtrasOf(node))
            {
                dots.Add(new Dot(node, c));
            }
        }

        return dots;
    }

    /// <summary>Every dot of the given nodes up to the counter bound, to probe Contains exhaustively.</summary>
    public static IEnumerable<Dot> Universe()
    {
        foreach (var node in new[] { "a", "b", "c", "d", "pi-kitchen.2", "Z_9", "absent" })
        {
            for (var c = 1L; c <= MaxCounter + 2; c++)
            {
                yield return new Dot(node, c);
            }
        }
    }
}
