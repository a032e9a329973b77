using EdgeSync.Agent.Storage;
using EdgeSync.Agent.Config;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Hosting;

/// <summary>Picks the storage engine named by <c>Store:Engine</c>.</summary>
public static class StorageFactory
{
    public const string DatabaseFile = "replica.db";

    /// <summary>False until the LiteDB adapter is wired in below.</summary>
    public static bool LiteDbAvailable => true;

    public static IReplicaStorage Create(StoreSection store, string dataDir) => store.Engine switch
    {
        StoreSection.LiteDb => LiteDbReplicaStorage.Open(Path.Combine(dataDir, DatabaseFile)),
        _ => new InMemoryReplicaStorage(),
    };
}
