using System.Collections.Immutable;
using System.Text;

namespace EdgeSync.Core.Clocks;

/// <summary>
/// An immutable version vector: the highest counter seen per node. Used for a sibling's causal
/// past, the fleet-wide stable vector and anything that needs a plain "max per node" summary.
/// </summary>
public sealed class VersionVector : IEquatable<VersionVector>
{
    public static readonly VersionVector Empty = new(ImmutableSortedDictionary<string, long>.Empty.WithComparers(StringComparer.Ordinal));

    private readonly ImmutableSortedDictionary<string, long> _entries;

    private VersionVector(ImmutableSortedDictionary<string, long> entries) => _entries = entries;

    public static VersionVector From(IEnumerable<KeyValuePair<string, long>> entries)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
        foreach (var (node, counter) in entries)
        {
            if (counter <= 0)
            {
                continue;
            }

            builder[node] = builder.TryGetValue(node, out var existing) ? Math.Max(existing, counter) : counter;
        }

        return builder.Count == 0 ? Empty : new VersionVector(builder.ToImmutable());
    }

    public IReadOnlyDictionary<string, long> Entries => _entries;

    public int Count => _entries.Count;

    public long this[string node] => _entries.TryGetValue(node, out var c) ? c : 0;

    public bool Covers(string node, long counter) => this[node] >= counter;

    public VersionVector With(string node, long counter)
    {
        if (this[node] >= counter)
        {
            return this;
        }

        return new VersionVector(_entries.SetItem(node, counter));
    }

    /// <summary>Pointwise maximum: the join of the two histories.</summary>
    public VersionVector Merge(VersionVector other)
    {
        if (other._entries.Count == 0)
        {
            return this;
        }

        if (_entries.Count == 0)
        {
            return other;
        }

        var builder = _entries.ToBuilder();
        foreach (var (node, counter) in other._entries)
        {
            if (!builder.TryGetValue(node, out var mine) || mine < counter)
            {
                builder[node] = counter;
            }
        }

        return new VersionVector(builder.ToImmutable());
    }

    /// <summary>Pointwise minimum over the given nodes: what all of them have seen.</summary>
    public static VersionVector Min(IReadOnlyCollection<VersionVector> vectors)
    {
        if (vectors.Count == 0)
        {
            return Empty;
        }

        var nodes = vectors.SelectMany(v => v._entries.Keys).Distinct(StringComparer.Ordinal);
        return From(nodes.Select(n => new KeyValuePair<string, long>(n, vectors.Min(v => v[n]))));
    }

    /// <summary>True when this vector has seen everything <paramref name="other"/> has.</summary>
    public bool Dominates(VersionVector other) => other._entries.All(e => this[e.Key] >= e.Value);

    public CausalOrder Compare(VersionVector other)
    {
        var ge = Dominates(other);
        var le = other.Dominates(this);
        return (ge, le) switch
        {
            (true, true) => CausalOrder.Equal,
            (true, false) => CausalOrder.After,
            (false, true) => CausalOrder.Before,
            _ => CausalOrder.Concurrent,
        };
    }

    public bool Equals(VersionVector? other) =>
        other is not null && other._entries.Count == _entries.Count && _entries.All(e => other[e.Key] == e.Value);

    public override bool Equals(object? obj) => Equals(obj as VersionVector);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (node, counter) in _entries)
        {
            hash.Add(node, StringComparer.Ordinal);
            hash.Add(counter);
        }

        return hash.ToHashCode();
    }

    /// <summary>Text form <c>a:3;b:7</c>, sorted by node id, so equal vectors encode equally.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var (node, counter) in _entries)
        {
            if (sb.Length > 0)
            {
                sb.Append(';');
            }

            sb.Append(node).Append(':').Append(counter);
        }

        return sb.ToString();
    }

    public static VersionVector Parse(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Empty;
        }

        var pairs = new List<KeyValuePair<string, long>>();
        foreach (var part in text.Split(';'))
        {
            var colon = part.LastIndexOf(':');
            if (colon <= 0 || !long.TryParse(part.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var counter))
            {
                throw new FormatException($"Bad version vector entry '{part}'.");
            }

            var node = part[..colon];
            if (!NodeId.IsValid(node))
            {
                throw new FormatException($"Bad node id '{node}' in version vector.");
            }

            pairs.Add(new(node, counter));
        }

        return From(pairs);
    }
}
