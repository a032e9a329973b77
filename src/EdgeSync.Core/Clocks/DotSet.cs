using System.Globalization;
using System.Text;

namespace EdgeSync.Core.Clocks;

/// <summary>
/// An exact set of dots, stored per node as a contiguous prefix (1..Base) plus the dots seen
/// above it. Pushes arrive out of order, so a plain version vector would claim events it has
/// not seen; this type tracks the gaps. Used for per-key causal contexts and for the node-wide
/// record of applied updates.
/// </summary>
public sealed class DotSet : IEquatable<DotSet>
{
    private readonly SortedDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public bool IsEmpty => _entries.Count == 0;

    public IEnumerable<string> Nodes => _entries.Keys;

    public long BaseOf(string node) => _entries.TryGetValue(node, out var e) ? e.Base : 0;

    /// <summary>The highest dot seen for <paramref name="node"/>, gaps or not.</summary>
    public long MaxOf(string node) =>
        _entries.TryGetValue(node, out var e) ? (e.Extras is { Count: > 0 } x ? x.Max : e.Base) : 0;

    public IEnumerable<long> ExtrasOf(string node) =>
        _entries.TryGetValue(node, out var e) && e.Extras is not null ? e.Extras : [];

    /// <summary>Number of dots held above the contiguous prefixes (a measure of gaps).</summary>
    public int ExtraCount => _entries.Values.Sum(e => e.Extras?.Count ?? 0);

    public bool Contains(Dot dot) => Contains(dot.Node, dot.Counter);

    public bool Contains(string node, long counter)
    {
        if (counter <= 0)
        {
            return true;
        }

        return _entries.TryGetValue(node, out var e) && (counter <= e.Base || (e.Extras?.Contains(counter) ?? false));
    }

    public bool Add(Dot dot) => Add(dot.Node, dot.Counter);

    /// <summary>Adds one dot; returns false when it was already present.</summary>
    public bool Add(string node, long counter)
    {
        if (counter <= 0)
        {
            return false;
        }

        if (!_entries.TryGetValue(node, out var e))
        {
            e = new Entry();
            _entries[node] = e;
        }

        if (counter <= e.Base)
        {
            return false;
        }

        if (counter == e.Base + 1)
        {
            e.Base = counter;
            e.Compact();
            return true;
        }

        e.Extras ??= [];
        return e.Extras.Add(counter);
    }

    /// <summary>Adds every dot 1..<paramref name="upTo"/> of <paramref name="node"/>.</summary>
    public void AddPrefix(string node, long upTo)
    {
        if (upTo <= 0)
        {
            return;
        }

        if (!_entries.TryGetValue(node, out var e))
        {
            e = new Entry();
            _entries[node] = e;
        }

        if (upTo > e.Base)
        {
            e.Base = upTo;
            e.Compact();
        }
    }

    /// <summary>Union in place.</summary>
    public void UnionWith(DotSet other)
    {
        // A set united with itself is unchanged; enumerating our own extras while adding to
        // them would throw (SortedSet bumps its version even when the item is present).
        if (ReferenceEquals(other, this))
        {
            return;
        }

        foreach (var (node, theirs) in other._entries)
        {
            AddPrefix(node, theirs.Base);
            if (theirs.Extras is not null)
            {
                foreach (var c in theirs.Extras)
                {
                    Add(node, c);
                }
            }
        }
    }

    /// <summary>True when every dot of <paramref name="other"/> is in this set.</summary>
    public bool ContainsAll(DotSet other)
    {
        foreach (var (node, theirs) in other._entries)
        {
            var mine = _entries.GetValueOrDefault(node);
            var myBase = mine?.Base ?? 0;
            if (theirs.Base > myBase)
            {
                // Every dot between our base and theirs must be among our extras.
                for (var c = myBase + 1; c <= theirs.Base; c++)
                {
                    if (mine?.Extras?.Contains(c) != true)
                    {
                        return false;
                    }
                }
            }

            if (theirs.Extras is not null && theirs.Extras.Any(c => !Contains(node, c)))
            {
                return false;
            }
        }

        return true;
    }

    public DotSet Clone()
    {
        var copy = new DotSet();
        copy.UnionWith(this);
        return copy;
    }

    /// <summary>The contiguous prefixes only: what is certainly seen without gaps.</summary>
    public VersionVector ToBaseVector() =>
        VersionVector.From(_entries.Select(e => new KeyValuePair<string, long>(e.Key, e.Value.Base)));

    /// <summary>The highest dot per node, ignoring gaps.</summary>
    public VersionVector ToMaxVector() =>
        VersionVector.From(_entries.Keys.Select(n => new KeyValuePair<string, long>(n, MaxOf(n))));

    public static DotSet FromVector(VersionVector vector)
    {
        var set = new DotSet();
        foreach (var (node, counter) in vector.Entries)
        {
            set.AddPrefix(node, counter);
        }

        return set;
    }

    public static DotSet Of(params Dot[] dots)
    {
        var set = new DotSet();
        foreach (var d in dots)
        {
            set.Add(d);
        }

        return set;
    }

    public bool Equals(DotSet? other)
    {
        if (other is null)
        {
            return false;
        }

        var mine = _entries.Where(e => e.Value.Base > 0 || e.Value.Extras is { Count: > 0 }).ToList();
        var theirs = other._entries.Where(e => e.Value.Base > 0 || e.Value.Extras is { Count: > 0 }).ToList();
        if (mine.Count != theirs.Count)
        {
            return false;
        }

        for (var i = 0; i < mine.Count; i++)
        {
            if (!string.Equals(mine[i].Key, theirs[i].Key, StringComparison.Ordinal) || mine[i].Value.Base != theirs[i].Value.Base
                || !(mine[i].Value.Extras ?? []).SetEquals(theirs[i].Value.Extras ?? []))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as DotSet);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    /// <summary>Canonical text form: <c>a:3+5+9;b:2</c> (base, then extras), sorted by node.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var (node, e) in _entries)
        {
            if (e.Base == 0 && e.Extras is not { Count: > 0 })
            {
                continue;
            }

            if (sb.Length > 0)
            {
                sb.Append(';');
            }

            sb.Append(node).Append(':').Append(e.Base.ToString(CultureInfo.InvariantCulture));
            if (e.Extras is not null)
            {
                foreach (var c in e.Extras)
                {
                    sb.Append('+').Append(c.ToString(CultureInfo.InvariantCulture));
                }
            }
        }

        return sb.ToString();
    }

    public static DotSet Parse(string text)
    {
        var set = new DotSet();
        if (string.IsNullOrEmpty(text))
        {
            return set;
        }

        foreach (var part in text.Split(';'))
        {
            var colon = part.LastIndexOf(':');
            if (colon <= 0)
            {
                throw new FormatException($"Bad causal context entry '{part}'.");
            }

            var node = part[..colon];
            if (!NodeId.IsValid(node))
            {
                throw new FormatException($"Bad node id '{node}' in causal context.");
            }

            var numbers = part[(colon + 1)..].Split('+');
            set.AddPrefix(node, ParseCounter(numbers[0]));
            foreach (var extra in numbers.Skip(1))
            {
                set.Add(node, ParseCounter(extra));
            }
        }

        return set;
    }

    /// <summary>Opaque form handed to clients (base64url of the text form).</summary>
    public string Encode() => Base64Url.Encode(Encoding.UTF8.GetBytes(ToString()));

    public static bool TryDecode(string? token, out DotSet set)
    {
        set = new DotSet();
        if (string.IsNullOrEmpty(token))
        {
            return true;
        }

        try
        {
            set = Parse(Encoding.UTF8.GetString(Base64Url.Decode(token)));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static long ParseCounter(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c >= 0
            ? c
            : throw new FormatException($"Bad counter '{text}' in causal context.");

    private sealed class Entry
    {
        public long Base;
        public SortedSet<long>? Extras;

        public void Compact()
        {
            if (Extras is null)
            {
                return;
            }

            while (Extras.Count > 0 && Extras.Min <= Base + 1)
            {
                var min = Extras.Min;
                Extras.Remove(min);
                if (min == Base + 1)
                {
                    Base = min;
                }
            }

            if (Extras.Count == 0)
            {
                Extras = null;
            }
        }
    }
}
