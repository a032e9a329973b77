using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Storage;

/// <summary>
/// Changes not yet in LiteDB: each key's newest encoded state (null = removed) and the newest
/// replica meta. The store keeps three: the open batch, the committed changes since the last
/// flush (safe in the write-ahead log), and the ones being flushed.
/// </summary>
internal sealed class PendingLayer
{
    private readonly Dictionary<string, byte[]?> _entries = new(StringComparer.Ordinal);

    /// <summary>Keys known to be absent from LiteDB: their flush inserts without looking them up first.</summary>
    private readonly HashSet<string> _new = new(StringComparer.Ordinal);

    public ReplicaMeta? Meta { get; set; }

    public int Count => _entries.Count;

    /// <summary>Encoded bytes held, roughly (keys and states).</summary>
    public long Bytes { get; private set; }

    public IReadOnlyDictionary<string, byte[]?> Entries => _entries;

    public bool IsEmpty => _entries.Count == 0 && Meta is null;

    /// <param name="absentFromStore">The caller knows LiteDB does not hold the key (never stored since the file was scanned).</param>
    public void Set(string key, byte[]? state, bool absentFromStore = false)
    {
        if (absentFromStore)
        {
            _new.Add(key);
        }

        _entries[key] = state;
        Bytes += (key.Length * 2) + (state?.Length ?? 0);
    }

    public bool TryGet(string key, out byte[]? state) => _entries.TryGetValue(key, out state);

    /// <summary>True when LiteDB does not hold the key, so an insert will do.</summary>
    public bool IsAbsentFromStore(string key) => _new.Contains(key);

    /// <summary>Takes over <paramref name="newer"/>'s changes, which win.</summary>
    public void MergeFrom(PendingLayer newer)
    {
        foreach (var (key, state) in newer._entries)
        {
            Set(key, state, newer._new.Contains(key));
        }

        Meta = newer.Meta ?? Meta;
    }

    public void Clear()
    {
        _entries.Clear();
        _new.Clear();
        Meta = null;
        Bytes = 0;
    }
}
