using EdgeSync.Agent.Storage;
using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Tests.Storage;

/// <summary>
/// Commits go to the write-ahead log first and reach LiteDB later. A crash image (the files copied
/// while the store is open, as the disk holds them at that moment) must give back every committed
/// batch and nothing of the open one; a torn last frame loses only that frame.
/// </summary>
public sealed class WriteAheadLogTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string DbPath => _dir.File("replica.db");

    private string CrashPath => _dir.File("crash/replica.db");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_crash_image_holds_every_committed_batch_whether_in_LiteDB_or_only_in_the_log()
    {
        var meta = new ReplicaMeta(DotSet.Parse("n1:1400"), new HybridTimestamp(5_000, 3), null);
        using (var storage = LiteDbReplicaStorage.Open(DbPath))
        {
            for (var i = 0; i < 1400; i++)
            {
                storage.Save(States.Make($"k/{i:D4}", ("n1", 1, i + 1, $"{i}")));
                if (i % 50 == 49)
                {
                    storage.Commit(); // past the store's flush point (768-1280 keys) a flush to LiteDB starts
                }
            }

            storage.AwaitBackgroundFlush();
            Assert.Equal(1, storage.Flushes);
            storage.Save(States.Make("k/0000", ("n1", 2, 1401, "updated")));
            storage.Remove("k/0001");
            storage.SaveMeta(meta);
            storage.Commit(); // only in the log
            storage.Save(States.Make("open-batch", ("n1", 1, 1402, "x")));
            storage.Remove("k/0002");

            CrashImage.Copy(DbPath, CrashPath);
        }

        using var crashed = LiteDbReplicaStorage.Open(CrashPath);
        Assert.Equal("updated", crashed.Load("k/0000")!.Siblings.Single().Value);
        Assert.Null(crashed.Load("k/0001"));
        Assert.Equal("2", crashed.Load("k/0002")!.Siblings.Single().Value);
        Assert.Null(crashed.Load("open-batch"));
        Assert.Equal(1399, crashed.LoadAll().Count());
        Assert.Equal(meta.Applied, crashed.LoadMeta()!.Applied);
        Assert.Equal(meta.Clock, crashed.LoadMeta()!.Clock);
        Assert.Equal([("k/0000", 1401L)], crashed.UpdatesAfter("n1", 1400));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("flipped")]
    public void A_torn_last_frame_loses_that_batch_only(string damage)
    {
        using (var storage = LiteDbReplicaStorage.Open(DbPath))
        {
            foreach (var (key, seq) in new[] { ("a", 1L), ("b", 2L), ("c", 3L) })
            {
                storage.Save(States.Make(key, ("n1", seq, seq, key)));
                storage.Commit();
            }

            CrashImage.Copy(DbPath, CrashPath);
        }

        var log = WriteAheadLog.PathsOf(CrashPath)[1]; // a new store's first generation
        var bytes = File.ReadAllBytes(log);
        if (damage == "truncated")
        {
            File.WriteAllBytes(log, bytes[..^3]);
        }
        else
        {
            bytes[^2] ^= 0x40;
            File.WriteAllBytes(log, bytes);
        }

        using var crashed = LiteDbReplicaStorage.Open(CrashPath);
        Assert.NotNull(crashed.Load("a"));
        Assert.NotNull(crashed.Load("b"));
        Assert.Null(crashed.Load("c"));
    }

    [Fact]
    public void A_log_left_beside_a_new_database_is_not_replayed()
    {
        using (var storage = LiteDbReplicaStorage.Open(DbPath))
        {
            storage.Save(States.Make("old", ("n1", 1, 1, "old")));
            storage.Commit();
            CrashImage.Copy(DbPath, CrashPath);
        }

        // "Start afresh" by deleting the database (and LiteDB's journal, which LiteDB would replay).
        File.Delete(CrashPath);
        File.Delete(LiteDbReplicaStorage.JournalPathOf(CrashPath));
        using (var fresh = LiteDbReplicaStorage.Open(CrashPath))
        {
            Assert.Null(fresh.Load("old"));
            fresh.Save(States.Make("new", ("n1", 1, 1, "new")));
            fresh.Commit();
        }

        using var reopened = LiteDbReplicaStorage.Open(CrashPath);
        Assert.Null(reopened.Load("old"));
        Assert.Equal("new", reopened.Load("new")!.Siblings.Single().Value);
    }

    [Fact]
    public void A_clean_close_writes_everything_to_LiteDB_and_removes_the_log()
    {
        using (var storage = LiteDbReplicaStorage.Open(DbPath))
        {
            storage.Save(States.Make("k", ("n1", 1, 1, "v")));
            storage.Commit();
            Assert.Equal(0, storage.Flushes);
            Assert.Contains(WriteAheadLog.PathsOf(DbPath), File.Exists);
        }

        Assert.DoesNotContain(WriteAheadLog.PathsOf(DbPath), File.Exists);
        using var reopened = LiteDbReplicaStorage.Open(DbPath);
        Assert.Equal("v", reopened.Load("k")!.Siblings.Single().Value);
    }
}
