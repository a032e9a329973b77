using System.Globalization;
using EdgeSync.Agent.Storage;
using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;
using LiteDB;

namespace EdgeSync.Agent.Tests.Storage;

/// <summary>What only a file can show: reopening, rollback of an unfinished batch, the log and journal syncs.</summary>
public sealed class LiteDbDurabilityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string DbPath => _dir.File("replica.db");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Reopening_keeps_every_record_index_and_the_meta()
    {
        UInt128 root;
        DotSet applied;
        HybridTimestamp clock;
        using (var storage = LiteDbReplicaStorage.Open(DbPath))
        {
            var replica = NewReplica(storage);
            for (var i = 0; i < 200; i++)
            {
                Assert.True(replica.Put($"sensors/{i:D3}", $"{{\"v\":{i}}}", null).Ok);
            }

            Assert.True(replica.Delete("sensors/007", null).Ok);
            replica.Commit();
            root = replica.Tree.Root;
            applied = replica.Applied.Clone();
            clock = replica.Clock.Last;
        }

        using (var storage = LiteDbReplicaStorage.Open(DbPath))
        {
            var replica = NewReplica(storage);
            Assert.Equal(root, replica.Tree.Root);
            Assert.Equal(applied, replica.Applied);
            Assert.Equal(clock, storage.LoadMeta()!.Clock);
            Assert.Equal(199, replica.LiveKeys);
            Assert.Equal("{\"v\":42}", replica.Get("sensors/042").Values.Single().Value);
            Assert.Equal(["sensors/007"], storage.DeletedKeys());
            Assert.Equal(200, storage.UpdatesAfter("n1", 0).Count()); // the tombstone replaced its key's version
            Assert.Equal([("sensors/007", 201L)], storage.UpdatesAfter("n1", 200));
            Assert.Equal(["sensors/000", "sensors/001"], replica.List("sensors/", null, 2).Select(s => s.Key));
        }
    }

    [Fact]
    public void An_uncommitted_batch_is_gone_after_reopening()
    {
        using (var storage = LiteDbReplicaStorage.Open(DbPath))
        {
            storage.Save(States.Make("kept", ("n1", 1, 1, "1")));
            storage.Commit();
            storage.Save(States.Make("lost", ("n1", 1, 2, "2")));
            storage.Save(States.Make("kept", ("n1", 2, 3, "3")));
            storage.Remove("kept");
        }

        using (var storage = LiteDbReplicaStorage.Open(DbPath))
        {
            Assert.Null(storage.Load("lost"));
            Assert.Equal("1", storage.Load("kept")!.Siblings.Single().Value);
            Assert.Equal([("kept", 1L)], storage.UpdatesAfter("n1", 0));
        }
    }

    [Fact]
    public void A_second_opener_of_the_same_file_is_refused_with_a_clear_error()
    {
        using var first = LiteDbReplicaStorage.Open(DbPath);
        var error = Assert.Throws<IOException>(() => LiteDbReplicaStorage.Open(DbPath));
        Assert.Contains("already open in another process", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_store_is_a_clear_error()
    {
        File.WriteAllBytes(DbPath, [.. Enumerable.Range(0, 16384).Select(i => (byte)(i * 7))]);
        var error = Assert.Throws<StoreCorruptException>(() => LiteDbReplicaStorage.Open(DbPath));
        Assert.Contains("cannot be opened", error.Message, StringComparison.Ordinal);

        // The lock was released: once the file is gone, the store opens.
        File.Delete(DbPath);
        using var storage = LiteDbReplicaStorage.Open(DbPath);
    }

    [Fact]
    public void Every_commit_with_changes_syncs_the_log_once_and_an_empty_one_none()
    {
        using var storage = LiteDbReplicaStorage.Open(DbPath);
        var log = WriteAheadLog.PathsOf(DbPath)[1]; // a new store writes generation 1 first
        for (var i = 1; i <= 5; i++)
        {
            storage.Save(States.Make($"k{i}", ("n1", 1, i, "1")));
            storage.Commit();
            Assert.Equal(i, storage.DurableCommits);
            Assert.True(new FileInfo(log).Length > 0);
        }

        storage.Commit();
        Assert.Equal(5, storage.DurableCommits);
    }

    [Fact]
    public void A_checkpoint_also_syncs_the_data_file_and_loses_nothing()
    {
        var value = $"\"{new string('x', 3000)}\"";
        using (var storage = LiteDbReplicaStorage.Open(DbPath))
        {
            // LiteDB checkpoints once the journal passes 1000 pages (8 MB).
            for (var batch = 0; batch < 30 && storage.DataSyncs == 0; batch++)
            {
                for (var i = 0; i < 100; i++)
                {
                    storage.Save(States.Make($"big/{batch:D2}/{i:D3}", ("n1", 1, (batch * 100) + i + 1, value)));
                }

                storage.Commit();
                storage.FlushToLiteDb();
            }

            Assert.True(storage.DataSyncs > 0, "no checkpoint happened");
            storage.Save(States.Make("after-checkpoint", ("n1", 1, 99_999, "1")));
            storage.Commit();
        }

        using (var storage = LiteDbReplicaStorage.Open(DbPath))
        {
            Assert.NotNull(storage.Load("after-checkpoint"));
            Assert.NotNull(storage.Load("big/00/000"));
            Assert.Equal(storage.LoadAll().Count(), storage.UpdatesAfter("n1", 0).Count());
        }
    }

    [Fact]
    public void The_file_uses_an_ordinal_invariant_collation()
    {
        using (var storage = LiteDbReplicaStorage.Open(DbPath))
        {
            storage.Save(States.Make("k", ("n1", 1, 1, "1")));
            storage.Commit();
        }

        Assert.Equal(CultureInfo.InvariantCulture, CultureInfo.CurrentCulture);
        using var db = new LiteDatabase($"Filename={DbPath};Connection=direct");
        Assert.Equal(CompareOptions.Ordinal, db.Collation.SortOptions);
        Assert.Equal(CultureInfo.InvariantCulture.LCID, db.Collation.LCID);
    }

    [Fact]
    public void The_page_cache_cap_is_in_force_for_this_LiteDB_version()
    {
        using var storage = LiteDbReplicaStorage.Open(DbPath);

        // If a LiteDB upgrade moves the setting, this fails instead of memory quietly growing.
        Assert.True(LiteDbCacheLimit.Active);
    }

    private static Replica NewReplica(IReplicaStorage storage) => new("n1", storage, new StoreOptions(), TimeProvider.System);
}
