namespace EdgeSync.Core.Clocks;

/// <summary>One event: the <paramref name="Counter"/>-th event of <paramref name="Node"/>.</summary>
public readonly record struct Dot(string Node, long Counter) : IComparable<Dot>
{
    public int CompareTo(Dot other)
    {
        var byNode = string.CompareOrdinal(Node, other.Node);
        return byNode != 0 ? byNode : Counter.CompareTo(other.Counter);
    }

    public override string ToString() => $"{Node}:{Counter}";
}
