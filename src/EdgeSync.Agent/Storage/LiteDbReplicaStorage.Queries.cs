using EdgeSync.Core.Store;
using LiteDB;

namespace EdgeSync.Agent.Storage;

// The queries: LiteDB's answer overlaid with the changes not yet written to it.
public sealed partial class LiteDbReplicaStorage
{
    public IEnumerable<KeyState> List(string prefix, string? startAfter, int limit)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (limit <= 0)
        {
            return [];
        }

        var after = startAfter is not null && string.CompareOrdinal(startAfter, prefix) >= 0 ? startAfter : null;
        var query = after is not null ? _keys.Query().Where("_id > @0", after) : _keys.Query().Where("_id >= @0", prefix);

        // Keys with the prefix are contiguous in ordinal order: stop at the first one without it.
        var stored = query.OrderBy("_id").ToEnumerable().TakeWhile(d => d["_id"].AsString.StartsWith(prefix, StringComparison.Ordinal));
        var view = View();
        var pending = view.SortedKeys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)
            && (after is null || string.CompareOrdinal(k, after) > 0));
        lock (_engine)
        {
            return Merged(stored, pending, view).Take(limit).ToList();
        }
    }

    public IEnumerable<(string Key, long Seq)> UpdatesAfter(string origin, long afterSeq)
    {
        if (afterSeq == long.MaxValue)
        {
            return [];
        }

        var view = View();
        var start = Math.Max(afterSeq, 0);
        var low = KeyDocument.UpdateEntry(origin, start + 1);
        var high = KeyDocument.UpdateEntry(origin, long.MaxValue);
        var found = new List<(string Key, long Seq)>();
        if (!_ceilings.NothingAfter(origin, start))
        {
            // An array index can yield one document once per matching entry: take each document once.
            var stored = new List<(string Key, long Seq)>();
            var docs = new HashSet<string>(StringComparer.Ordinal);
            lock (_engine)
            {
                foreach (var doc in _keys.Query().Where("$." + KeyDocument.Updates + "[*] ANY BETWEEN @0 AND @1", low, high).ToEnumerable())
                {
                    var key = doc["_id"].AsString;
                    if (!docs.Add(key))
                    {
                        continue;
                    }

                    foreach (var entry in doc[KeyDocument.Updates].AsArray)
                    {
                        var text = entry.AsString;
                        if (string.CompareOrdinal(text, low) >= 0 && string.CompareOrdinal(text, high) <= 0)
                        {
                            stored.Add((key, KeyDocument.SeqOf(text)));
                        }
                    }
                }

                _ceilings.Learned(origin, start, stored.Count == 0 ? 0 : stored.Max(u => u.Seq));
            }

            found.AddRange(stored.Where(u => !view.Contains(u.Key)));
        }

        found.AddRange(view.UpdatesFrom(origin, start));
        return found;
    }

    /// <summary>Every record, in key order (stored ones read in chunks, pending ones overlaid).</summary>
    public IEnumerable<KeyState> LoadAll()
    {
        var view = View();
        return Merged(StoredInOrder(), view.SortedKeys, view);
    }

    public IEnumerable<string> DeletedKeys()
    {
        var view = View();
        List<BsonDocument> stored = [];

        // The flag is read before the engine lock is taken, not under it: waiting for the lock alone
        // can take a whole flush (the flush takes it again for every key). A flush sets the flag before
        // it lets go of its layer, and the view read the layers first, so a tombstone is in one or the other.
        if (Volatile.Read(ref _mayHoldTombstones))
        {
            lock (_engine)
            {
                if (_mayHoldTombstones)
                {
                    stored = _keys.Query().Where(KeyDocument.TombstoneIndex + " ANY = true").Select("_id").ToList();
                    _mayHoldTombstones = stored.Count > 0;
                }
            }
        }

        return stored.Select(d => d["_id"].AsString).Where(k => !view.Contains(k)).Concat(view.Deleted).ToList();
    }

    // The layer being flushed is read with acquire semantics: what the flush did before letting go of it
    // (setting _mayHoldTombstones) is then seen by whoever finds it gone.
    private PendingView View() => _view ??= new PendingView([Volatile.Read(ref _flushing), _active, _batch]);

    /// <summary>Stored records in key order, overlaid with the pending keys (removed ones skipped).</summary>
    private static IEnumerable<KeyState> Merged(IEnumerable<BsonDocument> stored, IEnumerable<string> pendingKeys, PendingView view)
    {
        using var s = stored.Where(d => !view.Contains(d["_id"].AsString)).GetEnumerator();
        using var p = pendingKeys.GetEnumerator();
        var hasStored = s.MoveNext();
        var hasPending = p.MoveNext();
        while (hasStored || hasPending)
        {
            if (hasPending && (!hasStored || string.CompareOrdinal(p.Current, s.Current["_id"].AsString) < 0))
            {
                if (view.Decode(p.Current) is { } state)
                {
                    yield return state;
                }

                hasPending = p.MoveNext();
            }
            else
            {
                yield return KeyDocument.ToState(s.Current);
                hasStored = s.MoveNext();
            }
        }
    }

    /// <summary>
    /// Every stored record in key order, read in chunks: one query over the whole collection would
    /// keep every page it touched pinned in LiteDB's cache until it ends, and that cache never shrinks.
    /// </summary>
    private IEnumerable<BsonDocument> StoredInOrder()
    {
        string? after = null;
        while (true)
        {
            List<BsonDocument> chunk;
            lock (_engine)
            {
                chunk = (after is null ? _keys.Query() : _keys.Query().Where("_id > @0", after)).OrderBy("_id").Limit(ScanChunk).ToList();
            }

            foreach (var doc in chunk)
            {
                var key = doc["_id"].AsString;
                _known.Add(key);
                yield return doc;
            }

            if (chunk.Count < ScanChunk)
            {
                // Every stored key is now in the filter (and every later save adds its key), so a
                // "no" from the filter means a new key. Only a scan that ran to the end arms it.
                _knownComplete = true;
                yield break;
            }

            after = chunk[^1]["_id"].AsString;
        }
    }
}
