using EdgeSync.Agent.Storage;

namespace EdgeSync.Agent.Tests.Storage;

/// <summary>
/// Delta-sync reads skip LiteDB when it cannot hold anything newer than the peer has. Wrongly
/// skipping would hide updates from a peer, so the ceilings must only ever be too high.
/// </summary>
public sealed class StoredCeilingsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_store_that_opened_empty_knows_every_origin_from_its_flushes()
    {
        var ceilings = new StoredCeilings(openedEmpty: true);
        Assert.True(ceilings.NothingAfter("n1", 0));
        ceilings.Flushed("n1", 5);
        ceilings.Flushed("n1", 3); // an older sibling rewritten: never lowers
        Assert.False(ceilings.NothingAfter("n1", 4));
        Assert.True(ceilings.NothingAfter("n1", 5));
        Assert.True(ceilings.NothingAfter("n2", 0));
    }

    [Fact]
    public void A_store_with_data_knows_an_origin_only_once_a_query_saw_all_of_it()
    {
        var ceilings = new StoredCeilings(openedEmpty: false);
        Assert.False(ceilings.NothingAfter("n1", 1_000));
        ceilings.Flushed("n1", 5); // LiteDB may hold far more of n1 from before: still unknown
        Assert.False(ceilings.NothingAfter("n1", 1_000));

        ceilings.Learned("n1", 3, highestFound: 7);
        Assert.False(ceilings.NothingAfter("n1", 6));
        Assert.True(ceilings.NothingAfter("n1", 7));
        ceilings.Flushed("n1", 9);
        Assert.False(ceilings.NothingAfter("n1", 8));

        ceilings.Learned("n2", 10, highestFound: 0); // nothing after 10
        Assert.True(ceilings.NothingAfter("n2", 10));
        Assert.False(ceilings.NothingAfter("n2", 9));
    }

    [Fact]
    public void Nothing_is_learned_from_a_query_that_ran_while_a_flush_was_open()
    {
        // After a reopen, a flush inserts n1's update 500 (n1 not yet known, so no ceiling is raised);
        // a delta query on another thread sees LiteDB as of the last commit and finds nothing after 400.
        var ceilings = new StoredCeilings(openedEmpty: false);
        ceilings.FlushOpened();
        ceilings.Flushed("n1", 500);
        ceilings.Learned("n1", 400, highestFound: 0);
        ceilings.FlushClosed();

        // Once committed, LiteDB holds 500: a ceiling of 400 would hide it from every later query.
        Assert.False(ceilings.NothingAfter("n1", 450));
        ceilings.Learned("n1", 400, highestFound: 500);
        Assert.True(ceilings.NothingAfter("n1", 500));
    }

    [Fact]
    public void After_a_reopen_updates_flushed_later_are_still_found()
    {
        var path = _dir.File("replica.db");
        using (var store = LiteDbReplicaStorage.Open(path))
        {
            store.Save(States.Make("a", ("n1", 1, 1, "1")));
            store.Save(States.Make("b", ("n1", 2, 2, "2")));
            store.Commit();
            store.FlushToLiteDb();
        }

        using (var store = LiteDbReplicaStorage.Open(path))
        {
            Assert.Equal([("b", 2L)], store.UpdatesAfter("n1", 1)); // learns n1 from LiteDB
            Assert.Empty(store.UpdatesAfter("n1", 2));               // known: no engine call needed
            store.Save(States.Make("c", ("n1", 3, 3, "3")));
            store.Commit();
            store.FlushToLiteDb();                                   // now only in LiteDB
            Assert.Equal([("c", 3L)], store.UpdatesAfter("n1", 2));
            Assert.Equal([("b", 2L), ("c", 3L)], store.UpdatesAfter("n1", 1).Order());
        }
    }
}
