using EdgeSync.Agent.Config;
using EdgeSync.Agent.Security;
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
    private IReplicaStorage _storage = null!;
    private bool _disposed;

    public AgentStore(AgentConfig config, TimeProvider time)
    {
        _lock = DataDirLock.Acquire(config.Node.DataDir);
        try
        {
            Recovery = StoreRecovery.Resume(config.Node.DataDir);
            var path = Path.Combine(config.Node.DataDir, StorageFactory.DatabaseFile);
            var fresh = !File.Exists(path);
            Replica replica;
            try
            {
                replica = OpenReplica(config, time, fresh);
            }
            catch (Exception e) when (config.Store.Engine == StoreSection.LiteDb && LiteDbReplicaStorage.IsCorruption(e))
            {
                // A corrupt file is moved aside, never deleted; the node starts empty and re-seeds from its peers.
                (_storage as IDisposable)?.Dispose();
                Recovery = StoreRecovery.MoveAside(config.Node.DataDir, path, LiteDbReplicaStorage.CompanionFilesOf(path), time);
                CorruptionError = e.Message;
                replica = OpenReplica(config, time, freshStore: true);
            }

            Service = new ReplicaService(replica);
            if (_storage is LiteDbReplicaStorage lite)
            {
                lite.FlushFailed += Service.Fail;
            }
        }
        catch
        {
            (_storage as IDisposable)?.Dispose();
            _lock.Dispose();
            throw;
        }
    }

    public ReplicaService Service { get; }

    /// <summary>The storage engine under <see cref="Service"/>; only touch it through the service.</summary>
    public IReplicaStorage Storage => _storage;

    /// <summary>Whether start-up found the store corrupt (and fenced local writes), see <see cref="StoreRecovery"/>.</summary>
    public StoreRecovery Recovery { get; }

    /// <summary>What was wrong with the file that was moved aside.</summary>
    public string? CorruptionError { get; }

    /// <summary>The origin this node's updates carry in this store's lifetime (see <see cref="ReplicaActor"/>).</summary>
    public string Actor => Service.Read(r => r.Actor);

    private Replica OpenReplica(AgentConfig config, TimeProvider time, bool freshStore)
    {
        // The actor is settled (and durable) before the store can take a write.
        var actor = config.Store.Engine == StoreSection.LiteDb
            ? ReplicaActor.Resolve(config.Node.DataDir, config.Node.Id, freshStore)
            : ReplicaActor.New(config.Node.Id);
        _storage = StorageFactory.Create(config.Store, config.Node.DataDir);
        return new Replica(actor, _storage, config.Store.ToStoreOptions(), time);
    }

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
