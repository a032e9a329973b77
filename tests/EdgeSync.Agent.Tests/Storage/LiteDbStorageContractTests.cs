using EdgeSync.Agent.Storage;
using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Agent.Tests.Storage;

public sealed class LiteDbStorageContractTests : StorageContractTests, IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly LiteDbReplicaStorage _storage;

    public LiteDbStorageContractTests()
    {
        _storage = LiteDbReplicaStorage.Open(_dir.File("replica.db"));
    }

    protected override IReplicaStorage Storage => _storage;

    [Fact]
    public void Hot_keys_come_from_the_cache_as_fresh_copies_that_match_the_file()
    {
        _storage.Save(States.Make("hot", ("n1", 1, 1, "1")));
        _storage.Commit();

        var first = _storage.Load("hot")!;
        first.Context.Add(new EdgeSync.Core.Clocks.Dot("evil", 9)); // a caller mutating what it got
        var second = _storage.Load("hot")!;
        Assert.NotSame(first, second);
        Assert.False(second.Context.Contains(new EdgeSync.Core.Clocks.Dot("evil", 9)));

        _storage.Save(States.Make("hot", ("n1", 2, 2, "2")));
        _storage.Remove("gone");
        _storage.Commit();
        var cached = KeyStateCodec.Encode(_storage.Load("hot")!);
        using var reopened = LiteDbReplicaStorageReopen();
        Assert.Equal(KeyStateCodec.Encode(reopened.Load("hot")!), cached);
    }

    [Fact]
    public async Task Asking_for_deleted_keys_does_not_wait_for_the_engine_while_LiteDB_holds_no_tombstone()
    {
        _storage.Save(States.Make("live", ("n1", 1, 1, "1")));
        _storage.Commit();
        _storage.FlushToLiteDb();
        Assert.Empty(_storage.DeletedKeys()); // learns that LiteDB holds no tombstone

        // A flush holding the engine (it takes the lock again for every key) must not hold up the
        // question, which purges ask several times a second under the replica's gate.
        using (new EngineHold(_storage.EngineLock))
        {
            var asked = await Task.Run(() => _storage.DeletedKeys().ToList()).WaitAsync(TimeSpan.FromSeconds(10)); // TimeoutException if it waited
            Assert.Empty(asked);

            // A tombstone not yet flushed is answered from the pending layers, still without the engine.
            _storage.Save(States.Make("gone", ("n1", 2, 2, null)));
            _storage.Commit();
            asked = await Task.Run(() => _storage.DeletedKeys().ToList()).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(["gone"], asked);
        }

        // Once flushed, LiteDB holds it and the question goes to LiteDB again.
        _storage.FlushToLiteDb();
        Assert.Equal(["gone"], _storage.DeletedKeys().ToList());
        using var reopened = LiteDbReplicaStorageReopen();
        Assert.Equal(["gone"], reopened.DeletedKeys().ToList());
    }

    [Fact]
    public void After_a_reopen_and_full_scan_every_stored_key_still_loads_and_new_keys_are_absent()
    {
        // More keys than the state cache holds, so loads go through the known-keys filter and LiteDB.
        for (var i = 0; i < 3000; i++)
        {
            _storage.Save(States.Make($"k/{i:D5}", ("n1", 1, i + 1, $"{i}")));
        }

        _storage.Commit();
        using var reopened = LiteDbReplicaStorageReopen();
        Assert.Null(reopened.Load("k/00007/not")); // before the scan the filter is not trusted: a real lookup
        Assert.Equal(3000, reopened.LoadAll().Count());

        Assert.All(Enumerable.Range(0, 3000), i => Assert.Equal($"{i}", reopened.Load($"k/{i:D5}")!.Siblings.Single().Value));
        Assert.Null(reopened.Load("k/new"));
        reopened.Save(States.Make("k/new", ("n1", 1, 5000, "new")));
        reopened.Commit();
        Assert.Equal("new", reopened.Load("k/new")!.Siblings.Single().Value);
    }

    [Fact]
    public void A_commit_of_more_than_a_megabyte_is_stored_and_the_next_commits_work()
    {
        // One batch past the write-ahead log's kept buffer (1 MB): e.g. several large batch POSTs
        // that the writer commits together, or a re-seeding node applying big repair answers.
        var value = "\"" + new string('v', 60_000) + "\"";
        for (var i = 0; i < 40; i++)
        {
            _storage.Save(States.Make($"big/{i:D2}", ("n1", i + 1, i + 1, value)));
        }

        _storage.Commit();
        _storage.Save(States.Make("small", ("n1", 41, 41, "1")));
        _storage.Commit();

        using var reopened = LiteDbReplicaStorageReopen();
        Assert.Equal(41, reopened.LoadAll().Count());
        Assert.Equal(value, reopened.Load("big/39")!.Siblings.Single().Value);
    }

    [Fact]
    public void A_replica_opened_on_the_store_lists_every_key_once_in_its_merkle_leaves_stored_or_pending()
    {
        var keys = Enumerable.Range(0, 2000).Select(i => $"k/{i:D4}").ToList();
        SaveCommitted(keys);
        _storage.FlushToLiteDb();

        // Keys saved (new and stored ones) and removed since, not yet written to LiteDB: none listed twice, none left out.
        _storage.Save(States.Make("k/0001", ("n1", 2, 2, "2")));
        _storage.Save(States.Make("k/new", ("n1", 3, 3, "3")));
        _storage.Remove("k/0002");
        _storage.Commit();
        AssertLeaves(_storage, 2000);

        using var reopened = LiteDbReplicaStorageReopen();
        AssertLeaves(reopened, 2000);
    }

    [Fact]
    public void A_store_written_with_the_bucket_index_drops_it_at_open_and_its_keys_still_reach_the_merkle_leaves()
    {
        var keys = Enumerable.Range(0, 500).Select(i => $"k/{i:D3}").ToList();
        SaveCommitted(keys);
        _storage.Dispose();
        var path = _dir.File("replica.db");
        using (var db = RawStore.Open(path))
        {
            // As earlier versions wrote it: every key's bucket in "b", indexed.
            var collection = db.GetCollection("keys");
            foreach (var doc in collection.FindAll().ToList())
            {
                doc[KeyDocument.LegacyBucket] = MerkleTree.BucketOf(doc["_id"].AsString);
                collection.Update(doc);
            }

            collection.EnsureIndex(KeyDocument.LegacyBucket, "$." + KeyDocument.LegacyBucket);
        }

        using (var reopened = LiteDbReplicaStorage.Open(path))
        {
            AssertLeaves(reopened, 500);
        }

        using var raw = RawStore.Open(path);
        Assert.DoesNotContain(KeyDocument.LegacyBucket, raw.GetCollection("$indexes").FindAll().Where(i => i["collection"].AsString == "keys").Select(i => i["name"].AsString));
    }

    /// <summary>The tree a replica builds from the store at open holds each stored key once, with its state's digest.</summary>
    private static void AssertLeaves(LiteDbReplicaStorage store, int expected)
    {
        var leaves = new Replica("n1", store, new StoreOptions(), TimeProvider.System).Tree.Leaves;
        var held = store.LoadAll().ToList();
        Assert.Equal(expected, held.Count);
        Assert.Equal(expected, leaves.Count);
        foreach (var state in held)
        {
            Assert.Equal(SyncEngine.DigestOf(state), Assert.Single(leaves.Entries(MerkleTree.BucketOf(state.Key)), e => e.Key == state.Key).Digest);
        }
    }

    [Fact]
    public void A_store_written_with_the_old_deleted_flag_index_moves_its_tombstones_to_the_sparse_index_at_open()
    {
        _storage.Save(States.Make("gone", ("n1", 1, 1, null)));
        _storage.Save(States.Make("live", ("n1", 2, 2, "1")));
        _storage.Save(States.Make("revived", ("n1", 3, 3, null)));
        _storage.Commit();
        _storage.Dispose(); // writes everything to LiteDB
        var path = _dir.File("replica.db");
        RewriteAsOldFormat(path);

        using (var reopened = LiteDbReplicaStorage.Open(path))
        {
            Assert.Equal(2, reopened.TombstonesMoved);
            Assert.Equal(["gone", "revived"], reopened.DeletedKeys().Order(StringComparer.Ordinal).ToList());
            reopened.Save(States.Make("revived", ("n1", 4, 4, "2")));
            reopened.Commit();
            Assert.Equal(["gone"], reopened.DeletedKeys().ToList());
            Assert.Equal("1", reopened.Load("live")!.Siblings.Single().Value);
        }

        using (var reopened = LiteDbReplicaStorage.Open(path))
        {
            Assert.Null(reopened.TombstonesMoved); // the move is done once, and kept
            Assert.Equal(["gone"], reopened.DeletedKeys().ToList());
        }

        using var db = RawStore.Open(path);
        var indexes = db.GetCollection("$indexes").FindAll().Where(i => i["collection"].AsString == "keys").Select(i => i["name"].AsString).ToList();
        Assert.DoesNotContain("d", indexes);
        Assert.Contains(KeyDocument.Tombstone, indexes);
        var gone = db.GetCollection("keys").FindById("gone");
        Assert.False(gone.ContainsKey("d"));
        Assert.True(gone[KeyDocument.Tombstone].AsArray.Single().AsBoolean);
        Assert.False(db.GetCollection("keys").FindById("revived").ContainsKey(KeyDocument.Tombstone));
    }

    [Fact]
    public void A_live_key_has_no_entry_in_the_tombstone_index()
    {
        _storage.Save(States.Make("live", ("n1", 1, 1, "1")));
        _storage.Save(States.Make("gone", ("n1", 2, 2, null)));
        _storage.Commit();
        _storage.Dispose();

        using var db = RawStore.Open(_dir.File("replica.db"));
        Assert.False(db.GetCollection("keys").FindById("live").ContainsKey(KeyDocument.Tombstone));
        Assert.Equal(["gone"], db.GetCollection("keys").Query().Where(KeyDocument.TombstoneIndex + " ANY = true").Select("_id").ToList().Select(d => d["_id"].AsString));
    }

    /// <summary>As versions before the sparse index wrote a store: a "deleted" flag on every key, indexed.</summary>
    private static void RewriteAsOldFormat(string path)
    {
        using var db = RawStore.Open(path);
        var keys = db.GetCollection("keys");
        foreach (var doc in keys.FindAll().ToList())
        {
            doc["d"] = doc.Remove(KeyDocument.Tombstone);
            keys.Update(doc);
        }

        keys.EnsureIndex("d", "$.d");
        keys.DropIndex(KeyDocument.Tombstone);
    }

    private LiteDbReplicaStorage LiteDbReplicaStorageReopen()
    {
        _storage.Dispose();
        return LiteDbReplicaStorage.Open(_dir.File("replica.db"));
    }

    public void Dispose()
    {
        _storage.Dispose();
        _dir.Dispose();
    }
}
