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

    public ReplicaMeta? Meta { get; set; }

    public int Count => _entries.Count;

    /// <summary>Encoded bytes held, roughly (keys and states).</summary>
    public long Bytes { get; private set; }

    public IReadOnlyDictionary<string, byte[]?> Entries => _entries;

    public bool IsEmpty => _entries.Count == 0 && Meta is null;

    public void Set(string key, byte[]? state)
    {
        _entries[key] = state;
        Bytes += (key.Length * 2) + (state?.Length ?? 0);
    }

    public bool TryGet(string key, out byte[]? state) => _entries.TryGetValue(key, out state);

    /// <summary>Takes over <paramref name="newer"/>'s changes, which win.</summary>
    public void MergeFrom(PendingLayer newer)
    {
        foreach (var (key, state) in newer._entries)
        {
            Set(key, state);
        }

        Meta = newer.Meta ?? Meta;
    }

    public void Clear()
    {
        _entries.Clear();
        Meta = null;
        Bytes = 0;
    }
}
