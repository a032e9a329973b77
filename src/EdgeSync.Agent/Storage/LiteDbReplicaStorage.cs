using System.Globalization;
using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;
using LiteDB;

namespace EdgeSync.Agent.Storage;

/// <summary>
/// The replica's storage in one LiteDB file, opened by exactly one process (direct mode; a lock
/// file refuses a second opener, since two processes on one file corrupt it on Linux). One
/// document per key, with the indexes the replica queries: Merkle bucket, per-origin update
/// sequence (a range scan for delta sync) and a deleted flag. Changes between two
/// <see cref="Commit"/> calls are one LiteDB transaction, which is bound to the thread that
/// began it: write from one thread. <see cref="Commit"/> fsyncs the journal before returning
/// (LiteDB itself does not), so a committed batch survives power loss.
/// </summary>
public sealed class LiteDbReplicaStorage : IReplicaStorage, IDisposable
{
    private const string KeysCollection = "keys";
    private const string MetaCollection = "meta";
    private const string MetaId = "replica";
    private const int ScanChunk = 512;

    /// <summary>Hot keys' encoded states: 2,048 keys or 512 KB at most.</summary>
    private readonly StateCache _cache = new(2048, 512 * 1024);
    /// <summary>Every key held since open; trusted for "absent" once a full scan has fed it.</summary>
    private readonly KnownKeys _known;
    private bool _knownComplete;
    private readonly BsonExpression _byId = BsonExpression.Create("_id = @0");
    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _keys;
    private readonly ILiteCollection<BsonDocument> _meta;
    private readonly JournalSync _sync;
    private readonly FileStream _lock;
    private int _transactionThread;
    private bool _disposed;

    private LiteDbReplicaStorage(string path, FileStream fileLock)
    {
        _lock = fileLock;
        Path = path;
        _db = new LiteDatabase(new ConnectionString
        {
            Filename = path,
            Connection = ConnectionType.Direct,
            // Ordinal keys, and a file that opens under InvariantGlobalization anywhere.
            Collation = new Collation(CultureInfo.InvariantCulture.LCID, CompareOptions.Ordinal),
        });
        _sync = new JournalSync(path);
        try
        {
            // Every collection and index is created here, on one thread, before anything else runs.
            _keys = _db.GetCollection(KeysCollection, BsonAutoId.ObjectId);
            _keys.EnsureIndex(KeyDocument.Bucket, "$." + KeyDocument.Bucket);
            _keys.EnsureIndex(KeyDocument.Updates, "$." + KeyDocument.Updates + "[*]");
            _keys.EnsureIndex(KeyDocument.Deleted, "$." + KeyDocument.Deleted);
            _meta = _db.GetCollection(MetaCollection, BsonAutoId.ObjectId);
            // Sized from the file (a stored key took ~560 bytes of it with its indexes), not by
            // counting: a count reads every index page into LiteDB's cache, which never shrinks.
            var file = new FileInfo(path);
            _known = new KnownKeys(file.Exists ? file.Length / 512 : 0);
        }
        catch
        {
            _db.Dispose();
            throw;
        }
    }

    public string Path { get; }

    /// <summary>Durable commits: each one fsynced the journal before returning.</summary>
    public long DurableCommits => _sync.LogSyncs;

    /// <summary>fsyncs of the data file after LiteDB checkpoints.</summary>
    public long DataSyncs => _sync.DataSyncs;

    /// <summary>LiteDB's journal next to <paramref name="path"/>: "x.db" → "x-log.db".</summary>
    public static string JournalPathOf(string path) => JournalSync.LogPathOf(path);

    /// <summary>Open (or create) the store; refuses a file another process has open.</summary>
    public static LiteDbReplicaStorage Open(string path)
    {
        LiteDbCacheLimit.Apply();
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        FileStream fileLock;
        try
        {
            // FileShare.None takes an exclusive lock (flock on Linux), released if the process dies.
            fileLock = new FileStream(full + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"The store '{full}' is already open in another process ({e.Message}).", e);
        }

        try
        {
            return new LiteDbReplicaStorage(full, fileLock);
        }
        catch (Exception e) when (IsCorruption(e))
        {
            fileLock.Dispose();
            throw new StoreCorruptException($"The store '{full}' cannot be opened: {e.Message}", e);
        }
        catch
        {
            fileLock.Dispose();
            throw;
        }
    }

    /// <summary>What reading a damaged file throws: LiteDB's own errors, and the index/format errors
    /// garbage pages cause inside it. Not I/O or permission problems: those are no reason to move the file.</summary>
    public static bool IsCorruption(Exception e) => e is LiteException or InvalidDataException or FormatException
        or IndexOutOfRangeException or ArgumentOutOfRangeException or ArgumentException or InvalidCastException
        or OverflowException or NullReferenceException or KeyNotFoundException or EndOfStreamException
        || (e is IOException { InnerException: { } inner } && IsCorruption(inner));

    public KeyState? Load(string key)
    {
        if (_cache.TryGet(key, out var cached))
        {
            return KeyStateCodec.Decode(cached);
        }

        if (_knownComplete && !_known.MayContain(key))
        {
            return null; // never held since the full scan at open: a new key
        }

        // One parsed predicate, its parameter set per call: FindById parses "_id = @0" every time,
        // a third of a lookup's time (a lookup precedes every put). Safe: the port is single-threaded.
        _byId.Parameters["0"] = key;
        var doc = _keys.FindOne(_byId);
        if (doc is null)
        {
            return null;
        }

        var state = KeyDocument.ToState(doc);
        _cache.Put(key, doc[KeyDocument.State].AsBinary);
        return state;
    }

    public void Save(KeyState state)
    {
        EnsureTransaction();
        var doc = KeyDocument.From(state);
        _known.Add(state.Key);
        _keys.Upsert(doc);
        _cache.Put(state.Key, doc[KeyDocument.State].AsBinary);
    }

    public void Remove(string key)
    {
        EnsureTransaction();
        _keys.Delete(key);
        _cache.Remove(key);
    }

    public IEnumerable<KeyState> List(string prefix, string? startAfter, int limit)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (limit <= 0)
        {
            return [];
        }

        var query = startAfter is not null && string.CompareOrdinal(startAfter, prefix) >= 0
            ? _keys.Query().Where("_id > @0", startAfter)
            : _keys.Query().Where("_id >= @0", prefix);

        // Keys with the prefix are contiguous in ordinal order: stop at the first one without it.
        var page = new List<KeyState>(Math.Min(limit, 256));
        foreach (var doc in query.OrderBy("_id").ToEnumerable())
        {
            if (!doc["_id"].AsString.StartsWith(prefix, StringComparison.Ordinal) || page.Count == limit)
            {
                break;
            }

            page.Add(KeyDocument.ToState(doc));
        }

        return page;
    }

    public IEnumerable<(string Key, long Seq)> UpdatesAfter(string origin, long afterSeq)
    {
        if (afterSeq == long.MaxValue)
        {
            return [];
        }

        var low = KeyDocument.UpdateEntry(origin, Math.Max(afterSeq, 0) + 1);
        var high = KeyDocument.UpdateEntry(origin, long.MaxValue);
        var found = new List<(string Key, long Seq)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var doc in _keys.Query().Where("$." + KeyDocument.Updates + "[*] ANY BETWEEN @0 AND @1", low, high).ToEnumerable())
        {
            var key = doc["_id"].AsString;
            if (!seen.Add(key))
            {
                continue;
            }

            foreach (var entry in doc[KeyDocument.Updates].AsArray)
            {
                var text = entry.AsString;
                if (string.CompareOrdinal(text, low) >= 0 && string.CompareOrdinal(text, high) <= 0)
                {
                    found.Add((key, KeyDocument.SeqOf(text)));
                }
            }
        }

        return found;
    }

    public IEnumerable<KeyState> LoadBucket(int bucket) =>
        _keys.Find(Query.EQ(KeyDocument.Bucket, bucket)).Select(KeyDocument.ToState).ToList();

    /// <summary>
    /// Every record, in key order, read in chunks: one query over the whole collection would keep
    /// every page it touched pinned in LiteDB's cache until it ends, and that cache never shrinks.
    /// </summary>
    public IEnumerable<KeyState> LoadAll()
    {
        string? after = null;
        while (true)
        {
            var chunk = (after is null ? _keys.Query() : _keys.Query().Where("_id > @0", after))
                .OrderBy("_id").Limit(ScanChunk).ToList();
            foreach (var doc in chunk)
            {
                _known.Add(doc["_id"].AsString);
                yield return KeyDocument.ToState(doc);
            }

            if (chunk.Count < ScanChunk)
            {
                // Every stored key is now in the filter (and every later save adds its key), so a
                // "no" from it means a new key. Only a scan that ran to the end arms it.
                _knownComplete = true;
                yield break;
            }

            after = chunk[^1]["_id"].AsString;
        }
    }

    public IEnumerable<string> DeletedKeys() =>
        _keys.Query().Where(KeyDocument.Deleted + " = true").Select("_id").ToEnumerable().Select(d => d["_id"].AsString).ToList();

    public ReplicaMeta? LoadMeta()
    {
        var doc = _meta.FindById(MetaId);
        if (doc is null)
        {
            return null;
        }

        try
        {
            var stable = doc.TryGetValue("stable", out var s) && s.IsString ? VersionVector.Parse(s.AsString) : null;
            return new ReplicaMeta(DotSet.Parse(doc["applied"].AsString), new HybridTimestamp(doc["wall"].AsInt64, doc["logical"].AsInt32), stable);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"The replica metadata in '{Path}' is corrupt: {e.Message}", e);
        }
    }

    public void SaveMeta(ReplicaMeta meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        EnsureTransaction();
        _meta.Upsert(new BsonDocument
        {
            ["_id"] = MetaId,
            ["applied"] = meta.Applied.ToString(),
            ["wall"] = meta.Clock.WallMs,
            ["logical"] = meta.Clock.Logical,
            ["stable"] = meta.Stable?.ToString() ?? string.Empty,
        });
    }

    /// <summary>Commit the batch in LiteDB, then fsync its journal; returns once durable.</summary>
    public void Commit()
    {
        if (_transactionThread == 0)
        {
            return;
        }

        if (_transactionThread != Environment.CurrentManagedThreadId)
        {
            throw new InvalidOperationException("Commit must run on the thread that wrote the batch (LiteDB transactions are thread-bound).");
        }

        _transactionThread = 0;
        try
        {
            if (!_db.Commit())
            {
                throw new InvalidOperationException("LiteDB found no transaction to commit.");
            }
        }
        catch (LiteException e)
        {
            _cache.Clear(); // it may hold states of the batch that did not commit
            throw new IOException($"Committing to '{Path}' failed: {e.Message}", e);
        }

        // An fsync error is not retried: the kernel may already have dropped the dirty pages.
        _sync.SyncAfterCommit();
    }

    /// <summary>Close the file. An uncommitted batch is rolled back, as a crash would.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_transactionThread == Environment.CurrentManagedThreadId)
        {
            _db.Rollback();
        }

        _transactionThread = 0;
        _db.Dispose();
        _sync.Dispose();
        _lock.Dispose();
    }

    private void EnsureTransaction()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var thread = Environment.CurrentManagedThreadId;
        if (_transactionThread == thread)
        {
            return;
        }

        if (_transactionThread != 0)
        {
            throw new InvalidOperationException("Another thread holds the open batch; the store has one writer thread.");
        }

        _db.BeginTrans();
        _transactionThread = thread;
    }
}
