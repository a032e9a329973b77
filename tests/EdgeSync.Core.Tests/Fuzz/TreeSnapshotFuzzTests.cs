using CsCheck;
using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Tests.Fuzz;

/// <summary>
/// A kept tree file is input from disk: bytes near a valid snapshot (and noise) decode to null or
/// to a tree, never throw, and whatever is accepted encodes back to bytes that decode to the same tree.
/// </summary>
public sealed class TreeSnapshotFuzzTests
{
    private static readonly byte[][] Corpus = [Snapshot(0), Snapshot(3), Snapshot(40)];

    [Fact]
    public void Tree_snapshot_decoder_refuses_or_accepts_without_an_exception() =>
        Mutations.Of(Corpus).Sample(bytes =>
        {
            var decoded = TreeSnapshot.Decode(bytes); // an exception fails the property
            if (decoded is null)
            {
                return true;
            }

            var again = TreeSnapshot.Decode(decoded.Encode());
            return again is not null && again.Tree.Root == decoded.Tree.Root && again.Tree.Leaves.Count == decoded.Tree.Leaves.Count
                && again.LiveKeys == decoded.LiveKeys && again.BuiltAtMs == decoded.BuiltAtMs;
        }, iter: FuzzBudget.Iterations, threads: 1);

    /// <summary>A snapshot of a replica holding <paramref name="keys"/> keys, one of them deleted when there are any.</summary>
    private static byte[] Snapshot(int keys)
    {
        var replica = new Replica("a", new InMemoryReplicaStorage(), new StoreOptions(), TimeProvider.System);
        for (var i = 0; i < keys; i++)
        {
            Assert.True(replica.Put($"k/{i}", $"{i}", null).Ok);
        }

        if (keys > 0)
        {
            Assert.True(replica.Delete("k/0", null).Ok);
        }

        replica.Commit();
        return new TreeSnapshot(replica.Tree, replica.LiveKeys, 1_700_000_000_000).Encode();
    }
}
