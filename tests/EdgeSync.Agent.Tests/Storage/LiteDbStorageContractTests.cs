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

    public void Dispose()
    {
        _storage.Dispose();
        _dir.Dispose();
    }
}
