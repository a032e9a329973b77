using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Tests.Storage;

public sealed class InMemoryStorageContractTests : StorageContractTests
{
    protected override IReplicaStorage Storage { get; } = new InMemoryReplicaStorage();
}
