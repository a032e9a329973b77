using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="IReplicaStorage"/> must have. Runs against the in-memory
/// storage (the reference the Core tests use) and the LiteDB adapter, so the two cannot drift.
/// </summary>
public abstract class StorageContractTests
{
    protected abstract IReplicaStorage Storage { get; }

    /// <summary>Saves one plain version of each key, in one committed batch.</summary>
    protected void SaveCommitted(IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            Storage.Save(States.Make(key, ("n1", 1, 1, "1")));
        }

        Storage.Commit();
    }

    [Fact]
    public void Saved_state_round_trips_with_every_field()
    {
        var state = States.Make("sensors/greenhouse/temp", ("n1", 1, 7, "{\"c\":21.5}"), ("n2", 3, 9, "[1,2,3]"), ("n3", 2, 4, null));
        Storage.Save(state);
        Storage.Commit();

        var loaded = Storage.Load(state.Key);
        Assert.NotNull(loaded);
        Assert.Equal(KeyStateCodec.Encode(state), KeyStateCodec.Encode(loaded));
        Assert.Null(Storage.Load("sensors/greenhouse/hum"));
    }

    [Fact]
    public void Save_replaces_and_remove_deletes()
    {
        Storage.Save(States.Make("k", ("n1", 1, 1, "1")));
        Storage.Save(States.Make("k", ("n1", 2, 2, "2")));
        Storage.Commit();
        Assert.Equal("2", Storage.Load("k")!.Siblings.Single().Value);

        Storage.Remove("k");
        Storage.Remove("never-there");
        Storage.Commit();
        Assert.Null(Storage.Load("k"));
        Assert.Empty(Storage.LoadAll());
    }

    [Fact]
    public void UpdatesAfter_returns_exactly_the_origin_s_later_sequences()
    {
        Storage.Save(States.Make("a", ("n1", 1, 1, "1")));
        Storage.Save(States.Make("b", ("n1", 1, 5, "1"), ("n2", 1, 2, "2")));
        Storage.Save(States.Make("c", ("n1", 2, 9, null)));
        Storage.Save(States.Make("d", ("n10", 1, 7, "1")));   // an origin that extends "n1"
        Storage.Save(States.Make("e", ("n1", 3, 10, "3"), ("n1", 4, 11, "4")));
        Storage.Save(States.Make("f", ("n1", 1, 12_345_678_901_234, "1")));
        Storage.Commit();

        Assert.Equal(
            [("b", 5L), ("c", 9L), ("e", 10L), ("e", 11L), ("f", 12_345_678_901_234L)],
            Storage.UpdatesAfter("n1", 1).Order());
        Assert.Equal([("e", 11L), ("f", 12_345_678_901_234L)], Storage.UpdatesAfter("n1", 10).Order());
        Assert.Equal([("d", 7L)], Storage.UpdatesAfter("n10", 0).ToList());
        Assert.Equal([("b", 2L)], Storage.UpdatesAfter("n2", 0).ToList());
        Assert.Empty(Storage.UpdatesAfter("n2", 2));
        Assert.Empty(Storage.UpdatesAfter("n9", 0));

        // Replacing a state replaces its index entries.
        Storage.Save(States.Make("b", ("n2", 1, 2, "2")));
        Storage.Commit();
        Assert.DoesNotContain(Storage.UpdatesAfter("n1", 0), u => u.Key == "b");
    }

    [Fact]
    public void DeletedKeys_lists_keys_whose_versions_are_all_tombstones()
    {
        Storage.Save(States.Make("gone", ("n1", 2, 2, null)));
        Storage.Save(States.Make("half", ("n1", 2, 2, null), ("n2", 1, 1, "1")));
        Storage.Save(States.Make("live", ("n1", 1, 3, "1")));
        Storage.Save(States.Make("revived", ("n1", 1, 4, null)));
        Storage.Commit();
        Storage.Save(States.Make("revived", ("n1", 2, 5, "2")));
        Storage.Commit();

        Assert.Equal(["gone"], Storage.DeletedKeys().ToList());
    }

    [Fact]
    public void List_pages_through_a_prefix_in_ordinal_order()
    {
        string[] keys = ["a", "a/", "a/b", "a/b/c", "a/z", "a/\u00e9t\u00e9", "a/\u4e2d\u6587", "a/\ud83d\ude00", "a/\uffef", "a0", "A/x", "b/a", "a.b"];
        SaveCommitted(keys);
        var expected = keys.Where(k => k.StartsWith("a/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(expected, Storage.List("a/", null, 100).Select(s => s.Key));
        Assert.Equal(keys.Order(StringComparer.Ordinal), Storage.List(string.Empty, null, 100).Select(s => s.Key));

        // Paging with startAfter visits every key exactly once, in order.
        var paged = new List<string>();
        string? after = null;
        while (true)
        {
            var page = Storage.List("a/", after, 3).Select(s => s.Key).ToList();
            Assert.True(page.Count <= 3);
            if (page.Count == 0)
            {
                break;
            }

            paged.AddRange(page);
            after = page[^1];
        }

        Assert.Equal(expected, paged);
        Assert.Equal(["a/b", "a/b/c"], Storage.List("a/b", "a", 10).Select(s => s.Key));
        Assert.Equal(["a/b/c"], Storage.List("a/b", "a/b", 10).Select(s => s.Key));
        Assert.Empty(Storage.List("a/", "a/\uffef", 10));
        Assert.Empty(Storage.List("zzz", null, 10));
        Assert.Empty(Storage.List("a/", null, 0));
    }

    [Fact]
    public void Meta_round_trips_and_is_replaced()
    {
        Assert.Null(Storage.LoadMeta());
        var applied = DotSet.Of(new Dot("n1", 1), new Dot("n1", 2), new Dot("n2", 5));
        Storage.SaveMeta(new ReplicaMeta(applied, new HybridTimestamp(1_700_000_000_000, 3)));
        Storage.Commit();
        applied.Add(new Dot("n3", 1)); // the storage keeps its own copy

        var meta = Storage.LoadMeta()!;
        Assert.Equal(DotSet.Of(new Dot("n1", 1), new Dot("n1", 2), new Dot("n2", 5)), meta.Applied);
        Assert.Equal(new HybridTimestamp(1_700_000_000_000, 3), meta.Clock);

        Storage.SaveMeta(new ReplicaMeta(applied, new HybridTimestamp(1_700_000_000_001, 0)));
        Storage.Commit();
        Assert.Equal(applied, Storage.LoadMeta()!.Applied);
    }

    [Fact]
    public void A_batch_sees_its_own_uncommitted_writes()
    {
        Storage.Save(States.Make("x", ("n1", 1, 1, "1")));
        Assert.NotNull(Storage.Load("x"));
        Assert.Single(Storage.UpdatesAfter("n1", 0));
        Storage.Commit();
    }
}
