using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Tests.Simulation;

/// <summary>
/// One simulated node: durable storage that outlives restarts, and per incarnation a replica,
/// its group-commit access and a sync engine. A crash keeps only what was committed.
/// </summary>
public sealed class SimNode(string id, SimContext context)
{
    public string Id { get; } = id;

    public InMemoryReplicaStorage Storage { get; } = new();

    public SimReplicaAccess? Access { get; private set; }

    public SyncEngine? Engine { get; private set; }

    public bool Up => Access is { Dead: false };

    public int Incarnation { get; private set; }

    public void Start()
    {
        if (Up)
        {
            return; // a restart was already scheduled, or the heal phase started it first
        }

        Incarnation++;
        var replica = new Replica(Id, Storage, context.StoreOptions, context.Scheduler.Time);
        var access = new SimReplicaAccess(replica, context.Scheduler, new Random(context.Random.Next()), () => context.Random.NextDouble() < context.MidBatchCrashRate);
        access.CrashedMidBatch += () =>
        {
            context.Trace.Add($"{Id} crashed mid-batch");
            Stop();
            context.Scheduler.At(context.Random.Next(50, 500), Start);
        };
        Access = access;
        var transport = context.Network.Attach(Id);
        Engine = new SyncEngine(Id, context.Fleet, context.SyncOptions, access, transport, () => context.Members, context.Scheduler.Time, new Random(context.Random.Next()));
        Engine.Start();
        KeptTreeStarts += replica.TreeFromSnapshot ? 1 : 0;
        context.Trace.Add($"{Id} started #{Incarnation}{(replica.TreeFromSnapshot ? " with its kept tree" : "")}");
    }

    /// <summary>Starts that took the tree a clean stop kept instead of reading every record.</summary>
    public int KeptTreeStarts { get; private set; }

    /// <summary>SIGTERM: queued writes fail, and the replica keeps its tree for the next start, as the agent's store does.</summary>
    public void StopCleanly()
    {
        if (!Up)
        {
            return;
        }

        context.Trace.Add($"{Id} stopped cleanly");
        Access!.Kill();
        Access.Replica.KeepTree();
        Stop();
    }

    /// <summary>kill -9: uncommitted changes vanish, queued writes fail, the engine stops.</summary>
    public void Crash()
    {
        if (!Up)
        {
            return;
        }

        context.Trace.Add($"{Id} crashed");
        Access!.Kill();
        Stop();
    }

    private void Stop()
    {
        Engine?.Dispose();
        Engine = null;
        context.Network.Detach(Id);
        Storage.Crash();
    }
}
