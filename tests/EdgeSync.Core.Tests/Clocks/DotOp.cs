using EdgeSync.Core.Clocks;

namespace EdgeSync.Core.Tests.Clocks;

/// <summary>A generated mutation of a dot set, applied both to the real set and to a reference model.</summary>
public sealed record DotOp(bool Prefix, string Node, long Counter)
{
    public bool ApplyTo(DotSet set)
    {
        if (Prefix)
        {
            set.AddPrefix(Node, Counter);
            return true;
        }

        return set.Add(Node, Counter);
    }

    /// <summary>The same mutation on a plain set of dots; returns whether a dot was new (for Add).</summary>
    public bool ApplyTo(HashSet<Dot> model)
    {
        if (Prefix)
        {
            for (var c = 1L; c <= Counter; c++)
            {
                model.Add(new Dot(Node, c));
            }

            return true;
        }

        return Counter > 0 && model.Add(new Dot(Node, Counter));
    }

    public override string ToString() => Prefix ? $"prefix {Node}:{Counter}" : $"add {Node}:{Counter}";
}
