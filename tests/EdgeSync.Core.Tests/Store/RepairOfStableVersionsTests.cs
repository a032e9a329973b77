using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;
using Microsoft.Extensions.Time.Testing;

namespace EdgeSync.Core.Tests.Store;

/// <summary>
/// The Merkle repair path must restore a live value a replica lost (its applied set still claims
/// it, so only repair can bring it back) without letting a stale repair message bring back a
/// value whose delete was purged, also after a restart.
/// </summary>
public sealed class RepairOfStableVersionsTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void ALostLiveValueIsRestoredByRepairEvenWhenStable()
    {
        var a = NewReplica("a", new InMemoryReplicaStorage());
        var storage = new InMemoryReplicaStorage();
        var b = NewReplica("b", storage);
        a.Put("k", "1", null);
        a.Put("other", "1", null);
        a.Delete("other", null);
        Sync(a, b);
        var stable = Stable(a, b);
        a.PurgeStable(stable, stable);
        b.PurgeStable(stable, stable);
        b.Commit();

        storage.Remove("k");
        storage.Commit();
        var restarted = NewReplica("b", storage);
        Assert.False(restarted.Get("k").Found);

        restarted.Apply(a.Load("k")!, repair: true, a.Applied.ToBaseVector());
        Assert.Equal("1", restarted.Get("k").Values.Single().Value);
    }

    [Fact]
    public void AStaleRepairCannotBringBackAPurgedDeleteAcrossARestart()
    {
        var a = NewReplica("a", new InMemoryReplicaStorage());
        var storage = new InMemoryReplicaStorage();
        var b = NewReplica("b", storage);
        a.Put("k", "1", null);
        Sync(a, b);
        var staleState = a.Load("k")!;
        var staleSenderApplied = a.Applied.ToBaseVector();

        a.Delete("k", null);
        Sync(a, b);
        var stable = Stable(a, b);
        Assert.Equal(1, b.PurgeStable(stable, stable));
        b.Commit();

        var restarted = NewReplica("b", storage);
        Assert.Equal(stable, restarted.Stable);
        restarted.Apply(staleState, repair: true, staleSenderApplied);
        Assert.False(restarted.Get("k").Found);
        restarted.Apply(staleState);
        Assert.False(restarted.Get("k").Found);
    }

    private static VersionVector Stable(Replica a, Replica b) => VersionVector.Min([a.Applied.ToBaseVector(), b.Applied.ToBaseVector()]);

    private static void Sync(Replica from, Replica to)
    {
        var batch = from.CollectMissing(to.Applied, int.MaxValue);
        foreach (var state in batch.States)
        {
            to.Apply(state);
        }

        to.MergeCoverage(batch.Coverage!);
        var back = to.CollectMissing(from.Applied, int.MaxValue);
        foreach (var state in back.States)
        {
            from.Apply(state);
        }

        from.MergeCoverage(back.Coverage!);
        from.Commit();
        to.Commit();
    }

    private Replica NewReplica(string id, InMemoryReplicaStorage storage) => new(id, storage, new StoreOptions(), _time);
}
