using EdgeSync.Agent.Storage;
using EdgeSync.Agent.Tests.Support;
using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Agent.Tests.Storage;

/// <summary>
/// A kept tree carries the digests of the records as they were written. After a start that took it,
/// the background check reads every record and compares: a record changed on disk underneath (bit
/// rot) or one that no longer decodes puts the tree in doubt, so it is dropped at once and the next
/// start reads every record, as the full read at every start used to.
/// </summary>
public sealed class KeptTreeCheckTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string DbPath => _dir.File("replica.db");

    private string TreePath => LiteDbReplicaStorage.TreePathOf(DbPath);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task An_untouched_store_matches_its_kept_tree_and_keeps_it()
    {
        CloseCleanly();

        Assert.True(await CheckAfterReopenAsync(new ListLogger("check")));

        Assert.True(File.Exists(TreePath));
        using var storage = LiteDbReplicaStorage.Open(DbPath);
        Assert.True(NewReplica(storage).TreeFromSnapshot);
    }

    [Fact]
    public async Task A_record_changed_on_disk_under_a_kept_tree_is_found_and_the_next_start_reads_every_record()
    {
        CloseCleanly();
        var rotten = States.Make("k/0003", ("n1", 4, 4, "\"rot\""));
        EditOnDisk("k/0003", KeyStateCodec.Encode(rotten)); // LiteDB's log generation unchanged: the kept tree still looks current

        var log = new ListLogger("check");
        Assert.False(await CheckAfterReopenAsync(log));

        Assert.Contains("the record of key 'k/0003' does not match", log.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(TreePath)); // dropped at once, and not kept again at the clean stop
        using var storage = LiteDbReplicaStorage.Open(DbPath);
        var replica = NewReplica(storage);
        Assert.False(replica.TreeFromSnapshot);
        Assert.Equal(MerkleTree.LeafDigest(rotten), MerkleTree.LeafDigest(storage.Load("k/0003")!));
        Assert.Equal((ulong)MerkleTree.LeafDigest(rotten), replica.Tree.DigestHeld("k/0003")); // the next digest check sees it
    }

    [Fact]
    public async Task A_record_that_no_longer_decodes_is_found_and_the_next_start_finds_the_store_corrupt()
    {
        CloseCleanly();
        EditOnDisk("k/0500", [KeyStateCodec.Version, 0xFF, 0xFF]);

        var log = new ListLogger("check");
        Assert.False(await CheckAfterReopenAsync(log));

        Assert.Contains("cannot be read", log.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(TreePath));
        using var storage = LiteDbReplicaStorage.Open(DbPath);
        var failure = Assert.ThrowsAny<Exception>(() => NewReplica(storage)); // what makes the agent move the store aside
        Assert.True(LiteDbReplicaStorage.IsCorruption(failure), failure.ToString());
    }

    private static Replica NewReplica(IReplicaStorage storage) => new("n1", storage, new StoreOptions(), TimeProvider.System);

    private void CloseCleanly()
    {
        using var storage = LiteDbReplicaStorage.Open(DbPath);
        using var service = new ReplicaService(NewReplica(storage));
        for (var i = 0; i < 1000; i++)
        {
            var key = $"k/{i:D4}";
            Assert.True(service.WriteAsync(r => r.Put(key, $"{i}", null)).GetAwaiter().GetResult().Ok);
        }
    }

    /// <summary>Opens the store as the agent does (taking the kept tree), runs the check to its end, and closes cleanly.</summary>
    private async Task<bool> CheckAfterReopenAsync(ListLogger log)
    {
        using var storage = LiteDbReplicaStorage.Open(DbPath);
        using var service = new ReplicaService(NewReplica(storage));
        Assert.True(service.Read(r => r.TreeFromSnapshot), storage.TreeProblem);
        return await KeptTreeCheck.RunAsync(service, log, TimeSpan.Zero, CancellationToken.None);
    }

    private void EditOnDisk(string key, byte[] state)
    {
        using var db = RawStore.Open(DbPath);
        var keys = db.GetCollection("keys");
        var doc = keys.FindById(key);
        doc[KeyDocument.State] = state;
        Assert.True(keys.Update(doc));
    }
}
