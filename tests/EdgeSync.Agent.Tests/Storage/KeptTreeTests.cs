using EdgeSync.Agent.Storage;
using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Agent.Tests.Storage;

/// <summary>
/// A clean close keeps the replica's Merkle tree next to the store, and the next open takes it
/// instead of reading every record, but only while it describes exactly what LiteDB holds: after a
/// crash, a change, damage or with another store's file, the open reads every record as before.
/// In every case the tree must list each stored key once with its state's digest.
/// </summary>
public sealed class KeptTreeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string DbPath => _dir.File("replica.db");

    private string TreePath => LiteDbReplicaStorage.TreePathOf(DbPath);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_clean_close_through_the_service_keeps_the_tree_and_the_next_open_takes_it()
    {
        UInt128 root;
        long live;
        using (var storage = LiteDbReplicaStorage.Open(DbPath))
        {
            using var service = new ReplicaService(NewReplica(storage));
            Populate(service);
            (root, live) = service.Read(r => (r.Tree.Root, r.LiveKeys));
        }

        Assert.True(File.Exists(TreePath));
        using var reopened = LiteDbReplicaStorage.Open(DbPath);
        var replica = NewReplica(reopened);

        Assert.True(replica.TreeFromSnapshot, reopened.TreeProblem);
        Assert.Null(reopened.TreeProblem);
        Assert.Equal(root, replica.Tree.Root);
        Assert.Equal(live, replica.LiveKeys);
        Assert.True(reopened.KnowsEveryKey); // new keys still skip LiteDB's lookup
        AssertLeavesMatch(replica, reopened);

        // Writing on after such an open keeps the tree right.
        Assert.True(replica.Put("k/new", "1", null).Ok);
        Assert.True(replica.Put("k/0003", "2", null).Ok);
        replica.Commit();
        AssertLeavesMatch(replica, reopened);
    }

    [Fact]
    public void A_crash_after_the_tree_was_kept_makes_the_next_open_read_every_record()
    {
        CloseCleanly();
        using (var storage = LiteDbReplicaStorage.Open(DbPath))
        {
            var replica = NewReplica(storage);
            Assert.True(replica.TreeFromSnapshot);
            Assert.True(replica.Put("k/0001", "\"after\"", null).Ok);
            Assert.True(replica.Delete("k/0002", null).Ok);
            replica.Commit(); // in the log only: replayed into LiteDB at the next open
            CrashImage.Copy(DbPath, _dir.File("logged/replica.db"));

            storage.FlushToLiteDb(); // in LiteDB, the log emptied: only the log generation tells
            CrashImage.Copy(DbPath, _dir.File("flushed/replica.db"));
        }

        foreach (var (copy, problem) in new[] { ("logged", "its log was replayed"), ("flushed", "log generation") })
        {
            using var crashed = LiteDbReplicaStorage.Open(_dir.File($"{copy}/replica.db"));
            var replica = NewReplica(crashed);
            Assert.False(replica.TreeFromSnapshot, copy);
            Assert.Contains(problem, crashed.TreeProblem, StringComparison.Ordinal);
            Assert.False(File.Exists(LiteDbReplicaStorage.TreePathOf(_dir.File($"{copy}/replica.db")))); // said once, then gone
            Assert.Equal("\"after\"", replica.Get("k/0001").Values.Single().Value);
            AssertLeavesMatch(replica, crashed);
        }
    }

    [Fact]
    public void A_damaged_tree_file_is_ignored_and_every_record_read()
    {
        CloseCleanly();
        var bytes = File.ReadAllBytes(TreePath);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(TreePath, bytes);

        using var storage = LiteDbReplicaStorage.Open(DbPath);
        var replica = NewReplica(storage);

        Assert.False(replica.TreeFromSnapshot);
        Assert.Equal("is damaged (its checksum does not match)", storage.TreeProblem);
        AssertLeavesMatch(replica, storage);
    }

    [Fact]
    public void A_tree_file_larger_than_the_store_is_not_read()
    {
        CloseCleanly();
        using (var file = File.OpenWrite(TreePath))
        {
            file.SetLength(new FileInfo(DbPath).Length + (2 << 20));
        }

        using var storage = LiteDbReplicaStorage.Open(DbPath);
        var replica = NewReplica(storage);

        Assert.False(replica.TreeFromSnapshot);
        Assert.StartsWith("is larger than the store", storage.TreeProblem, StringComparison.Ordinal);
        Assert.False(File.Exists(TreePath));
        AssertLeavesMatch(replica, storage);
    }

    [Fact]
    public void Another_stores_tree_file_is_ignored()
    {
        CloseCleanly();
        var other = _dir.File("other/replica.db");
        using (var storage = LiteDbReplicaStorage.Open(other))
        {
            var replica = NewReplica(storage);
            Assert.True(replica.Put("elsewhere", "1", null).Ok);
            replica.Commit();
            replica.KeepTree();
        }

        File.Copy(LiteDbReplicaStorage.TreePathOf(other), TreePath, overwrite: true);
        using var opened = LiteDbReplicaStorage.Open(DbPath);
        var mine = NewReplica(opened);

        Assert.False(mine.TreeFromSnapshot);
        Assert.Equal("belongs to another store", opened.TreeProblem);
        Assert.False(File.Exists(TreePath));
        AssertLeavesMatch(mine, opened);
    }

    [Fact]
    public void A_tree_kept_with_changes_still_uncommitted_is_not_written()
    {
        using (var storage = LiteDbReplicaStorage.Open(DbPath))
        {
            var replica = NewReplica(storage);
            Assert.True(replica.Put("committed", "1", null).Ok);
            replica.Commit();
            Assert.True(replica.Put("open-batch", "2", null).Ok); // a close drops it, as a crash would
            replica.KeepTree();
        }

        Assert.False(File.Exists(TreePath));
        using var reopened = LiteDbReplicaStorage.Open(DbPath);
        var again = NewReplica(reopened);
        Assert.False(again.TreeFromSnapshot);
        Assert.Null(reopened.TreeProblem);
        Assert.Equal(1, again.LiveKeys);
        AssertLeavesMatch(again, reopened);
    }

    private static Replica NewReplica(IReplicaStorage storage) => new("n1", storage, new StoreOptions(), TimeProvider.System);

    private void CloseCleanly()
    {
        using var storage = LiteDbReplicaStorage.Open(DbPath);
        using var service = new ReplicaService(NewReplica(storage));
        Populate(service);
    }

    /// <summary>Enough keys for a flush to LiteDB mid-way, some of them deleted or rewritten, the last ones only in the log when the close comes.</summary>
    private static void Populate(ReplicaService service)
    {
        for (var i = 0; i < 1500; i++)
        {
            var key = $"k/{i:D4}";
            Assert.True(service.WriteAsync(r => r.Put(key, $"{i}", null)).GetAwaiter().GetResult().Ok);
        }

        for (var i = 0; i < 1500; i += 9)
        {
            var key = $"k/{i:D4}";
            Assert.True(service.WriteAsync(r => r.Delete(key, null)).GetAwaiter().GetResult().Ok);
        }
    }

    /// <summary>The replica's tree lists each stored key once with its state's digest, and its root is what a full read builds.</summary>
    private static void AssertLeavesMatch(Replica replica, LiteDbReplicaStorage storage)
    {
        var held = storage.LoadAll().ToList();
        Assert.Equal(held.Count, replica.Tree.Leaves.Count);
        var rebuilt = new MerkleTree();
        foreach (var state in held)
        {
            Assert.Equal(SyncEngine.DigestOf(state), Assert.Single(replica.Tree.Leaves.Entries(MerkleTree.BucketOf(state.Key)), e => e.Key == state.Key).Digest);
            rebuilt.Update(state.Key, null, state);
        }

        Assert.Equal(rebuilt.Root, replica.Tree.Root);
        Assert.Equal(held.Count(s => !s.IsDeleted), replica.LiveKeys);
    }
}
