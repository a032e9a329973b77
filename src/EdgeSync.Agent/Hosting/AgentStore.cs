using EdgeSync.Agent.Config;
using EdgeSync.Agent.Storage;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Hosting;

/// <summary>
/// Owns the store for the agent's lifetime: data-directory lock, storage engine and the
/// group-commit writer. Disposal drains the writer (the last batch commits) before the storage
/// closes, which is what a clean SIGTERM shutdown relies on.
/// </summary>
public sealed class AgentStore : IDisposable
{
    private readonly DataDirLock _lock;
    private readonly IReplicaStorage _storage;
    private bool _disposed;

    public AgentStore(AgentConfig config, TimeProvider time)
    {
        _lock = DataDirLock.Acquire(config.Node.DataDir);
        try
        {
            _storage = StorageFactory.Create(config.Store, config.Node.DataDir);
            var replica = new Replica(config.Node.Id, _storage, config.Store.ToStoreOptions(), time);
            Service = new ReplicaService(replica);
        }
        catch
        {
            (_storage as IDisposable)?.Dispose();
            _lock.Dispose();
            throw;
        }
    }

    public ReplicaService Service { get; }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Service.Dispose();
        (_storage as IDisposable)?.Dispose();
        _lock.Dispose();
    }
}
