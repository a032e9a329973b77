using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;
using Microsoft.Extensions.Time.Testing;

namespace EdgeSync.Core.Tests.Store;

/// <summary>
/// A key deleted, purged as stable and written again on the same node must get a dot never used
/// before: a replica that still holds the old tombstone (it purges later) has the old dots in
/// its context and would otherwise drop the new write as already superseded.
/// </summary>
public sealed class PurgedKeyRewriteTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void AWriteAfterPurgeIsNotMistakenForTheOldVersion()
    {
        var a = new Replica("a", new InMemoryReplicaStorage(), new StoreOptions(), _time);
        var b = new Replica("b", new InMemoryReplicaStorage(), new StoreOptions(), _time);

        a.Put("k", "1", null);
        a.Delete("k", null);
        b.Apply(a.Load("k")!);
        b.MergeCoverage(a.Applied);

        // Both hold every update: stable. Only a purges for now.
        var stable = VersionVector.Min([a.Applied.ToBaseVector(), b.Applied.ToBaseVector()]);
        Assert.Equal(1, a.PurgeStable(stable, stable));
        Assert.Null(a.Load("k"));

        var rewrite = a.Put("k", "2", null);
        Assert.True(rewrite.Ok);
        var fresh = rewrite.State!.Siblings.Single();
        Assert.False(b.Load("k")!.Context.Contains(fresh.Dot), $"dot {fresh.Dot} was used before on this key");

        b.Apply(a.Load("k")!);
        var read = b.Get("k");
        Assert.Equal(["2"], read.Values.Select(v => v.Value));
    }

    [Fact]
    public void ContextsStayCompactWhenDotsComeFromTheNodeWideSequence()
    {
        var a = new Replica("a", new InMemoryReplicaStorage(), new StoreOptions(), _time);
        for (var i = 0; i < 50; i++)
        {
            a.Put($"other{i}", "0", null);
            a.Put("k", i.ToString(System.Globalization.CultureInfo.InvariantCulture), null);
        }

        var context = a.Load("k")!.Context;
        Assert.Equal(0, context.ExtraCount);
        Assert.Equal("a:100", context.ToString());
    }
}
