using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Agent.Storage;

/// <summary>
/// The changes not yet in LiteDB as one picture (newest layer wins), for the queries that
/// overlay them on what LiteDB returns. Built on demand and kept until the next change, with
/// its indexes (key order, Merkle bucket, updates, deletions) computed when first asked for.
/// </summary>
internal sealed class PendingView
{
    private readonly Dictionary<string, byte[]?> _entries = new(StringComparer.Ordinal);
    private List<string>? _sorted;
    private Dictionary<int, List<string>>? _byBucket;
    private List<(string Origin, long Seq, string Key)>? _updates;
    private List<string>? _deleted;
    private List<KeyState>? _states;

    /// <param name="layers">Oldest first.</param>
    public PendingView(IEnumerable<PendingLayer?> layers)
    {
        foreach (var layer in layers)
        {
            if (layer is null)
            {
                continue;
            }

            foreach (var (key, state) in layer.Entries)
            {
                _entries[key] = state;
            }
        }
    }

    public bool IsEmpty => _entries.Count == 0;

    /// <summary>True when the key has a pending change: <paramref name="state"/> null means removed.</summary>
    public bool TryGet(string key, out byte[]? state) => _entries.TryGetValue(key, out state);

    public bool Contains(string key) => _entries.ContainsKey(key);

    /// <summary>Every pending key (removed ones too), in ordinal order.</summary>
    public List<string> SortedKeys => _sorted ??= [.. _entries.Keys.Order(StringComparer.Ordinal)];

    public IReadOnlyList<string> KeysInBucket(int bucket)
    {
        _byBucket ??= _entries.Keys.GroupBy(MerkleTree.BucketOf).ToDictionary(g => g.Key, g => g.ToList());
        return _byBucket.TryGetValue(bucket, out var keys) ? keys : [];
    }

    /// <summary>Every live (origin, seq) of a pending state, as the stored "updates" index holds them.</summary>
    public List<(string Origin, long Seq, string Key)> Updates => _updates ??= [.. States().SelectMany(s => s.Siblings.Select(v => (v.Origin, v.Seq, s.Key)))];

    public List<string> Deleted => _deleted ??= [.. States().Where(s => s.IsDeleted).Select(s => s.Key)];

    public KeyState? Decode(string key) => _entries.TryGetValue(key, out var state) && state is not null ? KeyStateCodec.Decode(state) : null;

    /// <summary>Every pending live state, decoded once for the indexes above.</summary>
    private List<KeyState> States() =>
        _states ??= [.. _entries.Values.Where(s => s is not null).Select(s => KeyStateCodec.Decode(s!))];
}
