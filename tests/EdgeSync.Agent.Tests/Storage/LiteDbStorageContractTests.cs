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
