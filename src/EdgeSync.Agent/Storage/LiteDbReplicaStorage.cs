using System.Globalization;
using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;
using LiteDB;

namespace EdgeSync.Agent.Storage;

/// <summary>
/// The replica's storage: one LiteDB file, opened by exactly one process (direct mode; a lock
/// file refuses a second opener, since two processes on one file corrupt it on Linux), fronted by
/// a write-ahead log. One document per key, with the indexes the replica queries: per-origin update
/// sequence (a range scan for delta sync) and tombstones. (A key's Merkle bucket is not stored: the
/// replica's tree keeps each bucket's keys in memory, <see cref="EdgeSync.Core.Sync.LeafKeys"/>.)
/// Changes between two <see cref="Commit"/> calls form one batch. <see cref="Commit"/> appends the
/// batch to the log as one checksummed frame and fdatasyncs it, then returns: the batch is durable.
/// The changes reach LiteDB later, a few hundred keys per transaction on a thread of their own, because
/// a LiteDB transaction costs several times a small log append and writes ~10 journal pages
/// however little it holds. Until then they are served from memory (<see cref="PendingLayer"/>s,
/// overlaid on every query), and after a crash they are replayed from the log on open.
/// Used by one thread at a time (any thread); only the background flush runs alongside.
/// </summary>
public sealed partial class LiteDbReplicaStorage : IReplicaStorage, IDisposable
{
    private const string KeysCollection = "keys";
    private const string MetaCollection = "meta";
    private const string MetaId = "replica";
    private const string LogId = "wal";
    private const int ScanChunk = 512;

    /// <summary>
    /// Committed changes held in memory before they are written to LiteDB. Fewer, larger LiteDB
    /// transactions cost less per key (batched fleet writes: 0.49–0.70× raw MQTT at ~1,000 keys
    /// per flush against 0.37–0.62× at ~500, seven and ten runs, the lag no worse).
    /// </summary>
    private const int FlushEntries = 1024;

    /// <summary>
    /// This store's own flush point, 768-1280 keys: replicas of one fleet receive the same writes,
    /// and with one shared threshold they would all flush at the same moment (on one machine
    /// running a whole fleet, each burst then has to wait for the others').
    /// </summary>
    private readonly int _flushEntries = FlushEntries * 3 / 4 + Random.Shared.Next(FlushEntries / 2);
    private const long FlushBytes = 1024 * 1024;
    private const long FlushLogBytes = 8 * 1024 * 1024;

    /// <summary>Past this many times the limits, a commit waits for the flush in progress.</summary>
    private const int Backlog = 4;

    /// <summary>Hot keys' encoded states: 2,048 keys or 512 KB at most.</summary>
    private readonly StateCache _cache = new(2048, 512 * 1024);
    /// <summary>Every key held since open; trusted for "absent" once a full scan or the kept tree has fed it.</summary>
    private readonly KnownKeys _known;
    private bool _knownComplete;
    private readonly BsonExpression _byId = BsonExpression.Create("_id = @0");
    private readonly LiteDatabase _db;

    /// <summary>
    /// Held for every call into LiteDB, so the flush thread and the replica's reads never use the
    /// engine at the same moment. LiteDB 5.0.x's page cache can hand a reader a buffer it is
    /// recycling for another page when two threads run at once (LiteDB issue #2817; fixed only in
    /// 6.0 prereleases): here it stopped a follower mid-run with "share counter must be &gt; 0 in
    /// Release()", and the same race can return another page's bytes. The flush takes it per key,
    /// not for its whole transaction, so a read waits for one insert at most (or a commit).
    /// </summary>
    private readonly Lock _engine = new();

    /// <summary>For tests: the lock every LiteDB call holds (a flush takes it for each key).</summary>
    internal Lock EngineLock => _engine;

    /// <summary>For tests: whether a put of a key the filter never saw skips the LiteDB lookup.</summary>
    internal bool KnowsEveryKey => _knownComplete;

    /// <summary>
    /// False once a query found no tombstone in LiteDB, until a flush writes one (both under
    /// <see cref="_engine"/>). Purges ask for the deleted keys at every stable-vector change, several
    /// times a second; most of the time LiteDB holds none, and the answer then needs no engine call
    /// nor the engine's lock (either could wait behind a flush while the replica's gate is held).
    /// </summary>
    private bool _mayHoldTombstones = true;

    private readonly StoredCeilings _ceilings;
    private readonly ILiteCollection<BsonDocument> _keys;
    private readonly ILiteCollection<BsonDocument> _meta;
    private readonly JournalSync _sync;
    private readonly WriteAheadLog _log;
    private readonly WalBatch _frame = new();
    private readonly FileStream _lock;
    private readonly ulong _storeId;

    /// <summary>The open batch; committed changes not yet in LiteDB; the ones being flushed now.</summary>
    private readonly PendingLayer _batch = new();
    private PendingLayer _active = new();
    private PendingLayer? _flushing;
    private Task _flush = Task.CompletedTask;
    private PendingView? _view;
    private long _flushes;
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
            KeyDocument.EnsureIndexes(_keys);
            if (_keys.DropIndex(KeyDocument.LegacyBucket))
            {
                _sync.SyncAfterCommit(); // a crash before this only means dropping it again
            }

            TombstonesMoved = LegacyTombstoneIndex.Migrate(_db, _keys, KeysCollection, _sync.SyncAfterCommit);
            _meta = _db.GetCollection(MetaCollection, BsonAutoId.ObjectId);
            // Sized from the file (a stored key takes ~410 bytes of it with its indexes, ~560 in stores
            // that kept a bucket index; the filter allows twice the count), not by counting: a count
            // reads every index page into LiteDB's cache, which never shrinks.
            var file = new FileInfo(path);
            _known = new KnownKeys(file.Exists ? file.Length / 512 : 0);
            _ceilings = new StoredCeilings(openedEmpty: _keys.Query().Limit(1).ToList().Count == 0);
            (_storeId, var flushed) = LoadLogState();
            _storedGeneration = flushed;
            _log = new WriteAheadLog(path, _storeId);
            _log.Begin(Replay(flushed) + 1);
            _treeLoadable = _storedGeneration == flushed; // nothing was replayed into LiteDB
            if (!_treeLoadable && File.Exists(TreePathOf(path)))
            {
                Discard("is out of date: the last stop was not clean (its log was replayed)");
            }
        }
        catch
        {
            _log?.Dispose();
            _sync.Dispose();
            _db.Dispose();
            throw;
        }
    }

    public string Path { get; }

    /// <summary>Tombstones moved to the sparse index when this open upgraded an older store; null when none was needed.</summary>
    public int? TombstonesMoved { get; }

    /// <summary>
    /// Raised on the flushing thread when writing committed changes to LiteDB failed. The changes
    /// are safe in the write-ahead log, but the store takes no more commits (each would say so).
    /// </summary>
    public event Action<Exception>? FlushFailed;

    /// <summary>Durable commits: each one fdatasynced the write-ahead log before returning.</summary>
    public long DurableCommits => _log.Syncs;

    /// <summary>Batches of committed changes written to LiteDB (each one transaction and journal fsync).</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    /// <summary>Committed keys not yet in LiteDB (in memory and in the log). Read it between batches, as any other call.</summary>
    public int PendingKeys => _active.Count + (_flushing?.Count ?? 0);

    /// <summary>fsyncs of the data file after LiteDB checkpoints.</summary>
    public long DataSyncs => _sync.DataSyncs;

    /// <summary>LiteDB's journal next to <paramref name="path"/>: "x.db" → "x-log.db".</summary>
    public static string JournalPathOf(string path) => JournalSync.LogPathOf(path);

    /// <summary>The files that belong with the store at <paramref name="path"/>: LiteDB's journal, the write-ahead log and the kept tree.</summary>
    public static IReadOnlyList<string> CompanionFilesOf(string path) => [JournalPathOf(path), .. WriteAheadLog.PathsOf(path), TreePathOf(path)];

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
        if (TryPending(key, out var pending))
        {
            return pending is null ? null : KeyStateCodec.Decode(pending);
        }

        if (_cache.TryGet(key, out var cached))
        {
            return KeyStateCodec.Decode(cached);
        }

        if (_knownComplete && !_known.MayContain(key))
        {
            return null; // never held since the full scan at open: a new key
        }

        BsonDocument? doc;
        lock (_engine)
        {
            doc = Stored(key);
        }

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
        ArgumentNullException.ThrowIfNull(state);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var bytes = KeyStateCodec.Encode(state);
        // Never held since open (the full scan or the kept tree fed the filter): not in LiteDB, nor waiting to be written there.
        var absent = _knownComplete && !_known.MayContain(state.Key);
        _keptTree = null;
        _treeLoadable = false;
        _batch.Set(state.Key, bytes, absent);
        _frame.Save(state.Key, bytes);
        _known.Add(state.Key);
        _cache.Put(state.Key, bytes);
        _view = null;
    }

    public void Remove(string key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _keptTree = null;
        _treeLoadable = false;
        _batch.Set(key, null);
        _frame.Remove(key);
        _cache.Remove(key);
        _view = null;
    }

    public ReplicaMeta? LoadMeta()
    {
        if ((_batch.Meta ?? _active.Meta ?? _flushing?.Meta) is { } pending)
        {
            return pending with { Applied = pending.Applied.Clone() }; // the caller may change its copy
        }

        BsonDocument? doc;
        lock (_engine)
        {
            doc = _meta.FindById(MetaId);
        }

        if (doc is null)
        {
            return null;
        }

        try
        {
            var stable = doc.TryGetValue("stable", out var s) && s.IsString && s.AsString.Length > 0 ? VersionVector.Parse(s.AsString) : null;
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
        ObjectDisposedException.ThrowIf(_disposed, this);
        _batch.Meta = meta with { Applied = meta.Applied.Clone() }; // the caller may change its copy
        _frame.Meta(meta);
    }

    /// <summary>Append the batch to the write-ahead log and fdatasync it; returns once durable.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_frame.IsEmpty)
        {
            return;
        }

        try
        {
            if (_flush.IsFaulted)
            {
                var cause = _flush.Exception!.InnerException!;
                throw new IOException($"Writing to '{Path}' failed: {cause.Message}", cause);
            }

            // An fdatasync error is not retried: the kernel may already have dropped the dirty pages.
            _log.Append(_frame.Frame);
        }
        catch (IOException)
        {
            // Nothing of this batch may be served as if it had been stored.
            _batch.Clear();
            _cache.Clear();
            _view = null;
            throw;
        }
        finally
        {
            _frame.Clear();
        }

        _active.MergeFrom(_batch);
        _batch.Clear();
        MaybeFlush();
    }

    /// <summary>Writes every committed change to LiteDB now and waits for it (tests and benchmarks).</summary>
    public void FlushToLiteDb()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _flush.GetAwaiter().GetResult();
        if (!_active.IsEmpty)
        {
            StartFlush();
            _flush.GetAwaiter().GetResult();
        }
    }

    /// <summary>Waits for a background flush in progress, if any (tests: a crash image without a half-written LiteDB transaction).</summary>
    internal void AwaitBackgroundFlush() => _flush.GetAwaiter().GetResult();

    /// <summary>Close the file. An open batch is dropped, as a crash would; committed changes are written to LiteDB.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        var clean = false;
        try
        {
            _flush.GetAwaiter().GetResult();
            if (!_active.IsEmpty)
            {
                WriteToLiteDb(_active, _log.Generation);
            }

            clean = true;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException || IsCorruption(e))
        {
            // Whatever did not reach LiteDB is still in the write-ahead log and is replayed on open.
        }

        if (clean)
        {
            try
            {
                WriteKeptTree();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Only the next start's shortcut is lost: it reads every record instead.
            }

            _log.DeleteFiles();
        }

        _log.Dispose();
        _db.Dispose();
        _sync.Dispose();
        _lock.Dispose();
    }

    /// <summary>
    /// The stored document of <paramref name="key"/>; the caller holds <see cref="_engine"/>. One parsed
    /// predicate, its parameter set per call: FindById parses "_id = @0" every time, a third of a
    /// lookup's time (a lookup precedes every put). Safe: one caller at a time.
    /// </summary>
    private BsonDocument? Stored(string key)
    {
        _byId.Parameters["0"] = key;
        return _keys.FindOne(_byId);
    }

    private bool TryPending(string key, out byte[]? state)
    {
        state = null;
        return _batch.TryGet(key, out state) || _active.TryGet(key, out state) || (_flushing?.TryGet(key, out state) ?? false);
    }
}
