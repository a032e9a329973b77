using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;
using Microsoft.Extensions.Time.Testing;

namespace EdgeSync.Core.Tests.Sync;

/// <summary>A replica with inline access and a started engine on a <see cref="LoopbackNetwork"/>.</summary>
public sealed class EngineNode : IDisposable
{
    public EngineNode(string id, LoopbackNetwork network, FakeTimeProvider time, SyncOptions options, IReadOnlyCollection<string> members, InMemoryReplicaStorage? storage = null)
    {
        Storage = storage ?? new InMemoryReplicaStorage();
        Replica = new Replica(id, Storage, new StoreOptions(), time);
        Access = new InlineReplicaAccess(Replica);
        Engine = new SyncEngine(id, "test", options, Access, network.Attach(id), () => members, time, new Random(7));
        Engine.Start();
    }

    public InMemoryReplicaStorage Storage { get; }

    public Replica Replica { get; }

    public InlineReplicaAccess Access { get; }

    public SyncEngine Engine { get; }

    public WriteResult Put(string key, string json) => Access.WriteAsync(r => r.Put(key, json, null)).Result;

    public WriteResult Delete(string key) => Access.WriteAsync(r => r.Delete(key, null)).Result;

    public string? ValueOf(string key) => Replica.Get(key).Values.SingleOrDefault()?.Value;

    public void Dispose() => Engine.Dispose();
}
