namespace EdgeSync.Agent.Storage;

/// <summary>
/// The encoded states of recently used keys, so a put or get of a hot key (a sensor updating its
/// reading) skips a LiteDB lookup, which allocates ~25 KB and takes ~30 µs. Bytes, not objects:
/// every hit decodes a fresh state, so nothing a caller does to a state can reach the cache.
/// Write-through and single-threaded, like the store it fronts; bounded by entries and bytes.
/// </summary>
internal sealed class StateCache(int maxEntries, long maxBytes)
{
    private readonly Dictionary<string, LinkedListNode<(string Key, byte[] Bytes)>> _index = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, byte[] Bytes)> _order = new(); // most recent first
    private long _bytes;

    public int Count => _index.Count;

    public long Bytes => _bytes;

    public bool TryGet(string key, out byte[] bytes)
    {
        if (_index.TryGetValue(key, out var node))
        {
            _order.Remove(node);
            _order.AddFirst(node);
            bytes = node.Value.Bytes;
            return true;
        }

        bytes = [];
        return false;
    }

    public void Put(string key, byte[] bytes)
    {
        Remove(key);
        if (bytes.Length > maxBytes)
        {
            return;
        }

        _index[key] = _order.AddFirst((key, bytes));
        _bytes += bytes.Length;
        while (_index.Count > maxEntries || _bytes > maxBytes)
        {
            var last = _order.Last!;
            _order.RemoveLast();
            _index.Remove(last.Value.Key);
            _bytes -= last.Value.Bytes.Length;
        }
    }

    public void Remove(string key)
    {
        if (_index.Remove(key, out var node))
        {
            _order.Remove(node);
            _bytes -= node.Value.Bytes.Length;
        }
    }

    public void Clear()
    {
        _index.Clear();
        _order.Clear();
        _bytes = 0;
    }
}
