using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Store;

/// <summary>
/// A real in-memory storage for tests and the simulator. Changes apply at once and are undone
/// by <see cref="Crash"/> unless committed, which is what a process crash does to a database.
/// </summary>
public sealed class InMemoryReplicaStorage : IReplicaStorage
{
    private readonly SortedDictionary<string, KeyState> _data = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<(long Seq, string Key)>> _updates = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deleted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KeyState?> _undo = new(StringComparer.Ordinal);
    private ReplicaMeta? _meta;
    private ReplicaMeta? _committedMeta;
    private byte[]? _keptTree; // encoded, as a file would hold it: a restart decodes it like the device's store does

    public int Commits { get; private set; }

    public int Count => _data.Count;

    public KeyState? Load(string key) => _data.GetValueOrDefault(key);

    public void Save(KeyState state) => Put(state.Key, state);

    public void Remove(string key) => Put(key, null);

    public IEnumerable<KeyState> List(string prefix, string? startAfter, int limit) =>
        _data.Values
            .Where(s => s.Key.StartsWith(prefix, StringComparison.Ordinal)
                && (startAfter is null || string.CompareOrdinal(s.Key, startAfter) > 0))
            .Take(limit)
            .ToList();

    public IEnumerable<(string Key, long Seq)> UpdatesAfter(string origin, long afterSeq) =>
        _updates.TryGetValue(origin, out var set)
            ? set.GetViewBetween((afterSeq + 1, string.Empty), (long.MaxValue, string.Empty)).Select(e => (e.Key, e.Seq)).ToList()
            : [];

    public IEnumerable<KeyState> LoadAll() => _data.Values.ToList();

    public IEnumerable<string> DeletedKeys() => _deleted.ToList();

    public TreeSnapshot? LoadTree() => _keptTree is null ? null : TreeSnapshot.Decode(_keptTree);

    public void KeepTree(TreeSnapshot? snapshot) => _keptTree = snapshot is not null && _undo.Count == 0 ? snapshot.Encode() : null;

    public ReplicaMeta? LoadMeta() => _meta;

    public void SaveMeta(ReplicaMeta meta) => _meta = meta with { Applied = meta.Applied.Clone() };

    public void Commit()
    {
        _undo.Clear();
        _committedMeta = _meta;
        Commits++;
    }

    /// <summary>Forget everything not committed, as a kill -9 would.</summary>
    public void Crash()
    {
        foreach (var (key, before) in _undo)
        {
            Index(key, _data.GetValueOrDefault(key), before);
        }

        _undo.Clear();
        _meta = _committedMeta;
    }

    private void Put(string key, KeyState? state)
    {
        var before = _data.GetValueOrDefault(key);
        _undo.TryAdd(key, before);
        _keptTree = null;
        Index(key, before, state);
    }

    private void Index(string key, KeyState? before, KeyState? after)
    {
        if (before is not null)
        {
            foreach (var s in before.Siblings)
            {
                _updates[s.Origin].Remove((s.Seq, key));
            }

            _deleted.Remove(key);
            _data.Remove(key);
        }

        if (after is not null)
        {
            foreach (var s in after.Siblings)
            {
                if (!_updates.TryGetValue(s.Origin, out var set))
                {
                    _updates[s.Origin] = set = [];
                }

                set.Add((s.Seq, key));
            }

            if (after.IsDeleted)
            {
                _deleted.Add(key);
            }

            _data[key] = after;
        }
    }
}
