using EdgeSync.Agent.Storage;
using EdgeSync.Core.Store;

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
