using System.Text;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Storage;

/// <summary>
/// The changes not yet in LiteDB as one picture (newest layer wins), for the queries that
/// overlay them on what LiteDB returns. Built on demand and kept until the next change, with
/// its indexes (key order, deletions) computed when first asked for; updates by
/// origin are read from the encoded states at each question.
/// </summary>
internal sealed class PendingView
{
    private readonly Dictionary<string, byte[]?> _entries = new(StringComparer.Ordinal);
    private List<string>? _sorted;
    private List<string>? _deleted;

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

    /// <summary>
    /// The pending (key, seq) updates written by <paramref name="origin"/> above <paramref name="afterSeq"/>,
    /// as the stored "updates" index finds them; read from the encoded states, without decoding them.
    /// </summary>
    public List<(string Key, long Seq)> UpdatesFrom(string origin, long afterSeq)
    {
        var originUtf8 = Encoding.UTF8.GetBytes(origin);
        var found = new List<(string Key, long Seq)>();
        var seqs = new List<long>();
        foreach (var (key, state) in _entries)
        {
            if (state is null)
            {
                continue;
            }

            seqs.Clear();
            KeyStateScan.SeqsFrom(state, originUtf8, afterSeq, seqs);
            foreach (var seq in seqs)
            {
                found.Add((key, seq));
            }
        }

        return found;
    }

    /// <summary>Every pending deleted key; answered from the encoded states, without decoding them.</summary>
    public List<string> Deleted => _deleted ??= [.. _entries.Where(e => e.Value is not null && KeyStateScan.IsDeleted(e.Value)).Select(e => e.Key)];

    public KeyState? Decode(string key) => _entries.TryGetValue(key, out var state) && state is not null ? KeyStateCodec.Decode(state) : null;
}
