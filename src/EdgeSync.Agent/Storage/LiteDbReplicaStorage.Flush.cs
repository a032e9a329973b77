using EdgeSync.Core.Store;
using LiteDB;

namespace EdgeSync.Agent.Storage;

// Getting committed changes from the write-ahead log into LiteDB, and back after a crash.
public sealed partial class LiteDbReplicaStorage
{
    private void MaybeFlush()
    {
        if (!OverLimit(1))
        {
            return;
        }

        if (!_flush.IsCompleted)
        {
            if (!OverLimit(Backlog))
            {
                return; // the next commit looks again
            }

            // Far behind: wait rather than let memory grow. A failure surfaces at the next commit.
            ((IAsyncResult)_flush).AsyncWaitHandle.WaitOne();
        }

        if (_flush.IsCompletedSuccessfully)
        {
            StartFlush();
        }
    }

    private bool OverLimit(int factor) =>
        _active.Count >= _flushEntries * factor || _active.Bytes >= FlushBytes * factor || _log.Length >= FlushLogBytes * factor;

    /// <summary>
    /// Hands the committed changes to a thread that writes them to LiteDB, and starts the next
    /// log generation in the other file. That file held the generation before the one now being
    /// flushed, which LiteDB already holds (a flush starts only once the previous one succeeded).
    /// </summary>
    private void StartFlush()
    {
        var layer = _active;
        var generation = _log.Generation;
        _log.Begin(generation + 1);
        _flushing = layer;
        _active = new PendingLayer();
        // A thread of its own, not the pool's: a commit that waits for this flush holds the service's
        // gate, and pool threads blocked on that gate must not be what the flush waits for.
        _flush = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    WriteToLiteDb(layer, generation);
                }
                catch (Exception e)
                {
                    // Said at once, not at the next commit, which may be a long time coming.
                    FlushFailed?.Invoke(e);
                    throw;
                }

                Interlocked.CompareExchange(ref _flushing, null, layer); // LiteDB holds it now: let it go
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    /// <summary>
    /// One LiteDB transaction with the layer's changes and "log generations up to
    /// <paramref name="generation"/> are stored". (Splitting it into smaller transactions did not
    /// shorten the collections a flush triggers, and cost throughput.)
    /// </summary>
    private void WriteToLiteDb(PendingLayer layer, long generation)
    {
        Transaction(() =>
        {
            foreach (var (key, state) in layer.Entries)
            {
                var decoded = state is null ? null : KeyStateCodec.Decode(state);
                var doc = decoded is null ? null : KeyDocument.From(decoded, state!);
                lock (_engine)
                {
                    foreach (var sibling in decoded?.Siblings ?? [])
                    {
                        _ceilings.Flushed(sibling.Origin, sibling.Seq);
                    }

                    _mayHoldTombstones |= decoded?.IsDeleted == true;
                    if (doc is null)
                    {
                        _keys.Delete(key);
                    }
                    else if (layer.IsAbsentFromStore(key))
                    {
                        _keys.Insert(doc); // an upsert looks the key up first: ~half of its cost and allocations
                    }
                    else
                    {
                        _keys.Upsert(doc);
                    }
                }
            }

            lock (_engine)
            {
                if (layer.Meta is { } meta)
                {
                    _meta.Upsert(MetaDocument(meta));
                }

                _meta.Upsert(new BsonDocument { ["_id"] = LogId, ["store"] = (long)_storeId, ["flushed"] = generation });
            }
        });
        Volatile.Write(ref _storedGeneration, generation);
        Interlocked.Increment(ref _flushes);
    }

    /// <summary>One LiteDB transaction, then its journal fsync. LiteDB transactions are thread-bound: one thread runs it all.</summary>
    private void Transaction(Action changes)
    {
        lock (_engine)
        {
            if (!_db.BeginTrans())
            {
                throw new InvalidOperationException("A LiteDB transaction is already open on this thread.");
            }

            _ceilings.FlushOpened();
        }

        try
        {
            changes();
            lock (_engine)
            {
                _ceilings.FlushClosed();
                if (!_db.Commit())
                {
                    throw new InvalidOperationException("LiteDB found no transaction to commit.");
                }
            }
        }
        catch
        {
            lock (_engine)
            {
                _ceilings.FlushClosed();
                _db.Rollback();
            }

            throw;
        }

        _sync.SyncAfterCommit();
    }

    /// <summary>The store's log identity and the last log generation LiteDB holds; a new store gets both now.</summary>
    private (ulong StoreId, long Flushed) LoadLogState()
    {
        BsonDocument? found;
        lock (_engine)
        {
            found = _meta.FindById(LogId);
        }

        if (found is { } doc)
        {
            return ((ulong)doc["store"].AsInt64, doc["flushed"].AsInt64);
        }

        // Durable before the first frame names it: frames of an unknown store are never replayed.
        // Not RandomNumberGenerator: that loads OpenSSL, ~3.5 MB of resident memory for one number.
        var id = BitConverter.ToUInt64(Guid.NewGuid().ToByteArray(), 0);
        Transaction(() =>
        {
            lock (_engine)
            {
                _meta.Upsert(new BsonDocument { ["_id"] = LogId, ["store"] = (long)id, ["flushed"] = 0L });
            }
        });
        return (id, 0);
    }

    /// <summary>Writes the log's unflushed commits to LiteDB; returns the highest generation seen.</summary>
    private long Replay(long flushed)
    {
        var frames = _log.Recover(flushed, out var highest);
        if (frames.Count > 0)
        {
            var layer = new PendingLayer();
            foreach (var payload in frames)
            {
                WalBatch.ReadInto(payload, layer);
            }

            WriteToLiteDb(layer, highest);
        }

        return highest;
    }

    private static BsonDocument MetaDocument(ReplicaMeta meta) => new()
    {
        ["_id"] = MetaId,
        ["applied"] = meta.Applied.ToString(),
        ["wall"] = meta.Clock.WallMs,
        ["logical"] = meta.Clock.Logical,
        ["stable"] = meta.Stable?.ToString() ?? string.Empty,
    };
}
