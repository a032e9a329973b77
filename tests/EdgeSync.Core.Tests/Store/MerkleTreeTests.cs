using CsCheck;
using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Tests.Store;

public class MerkleTreeTests
{
    /// <summary>Final states of several keys, each from its own generated history.</summary>
    private static readonly Gen<KeyState[]> KeyStates =
        KeyHistory.Steps(12).Array[1, 12].Select(histories => histories
            .Select((steps, i) =>
            {
                var h = KeyHistory.Run(steps, ConflictPolicy.Siblings);
                var all = h.MergeAll(h.Snapshots);
                return all with { Key = $"key/{i}" };
            })
            .ToArray());

    [Fact]
    public void Equal_states_give_equal_roots_whatever_the_insertion_order() =>
        Gen.Select(KeyStates, Gen.Int).Sample((states, seed) =>
        {
            var inOrder = Build(states);
            var shuffled = states.ToArray();
            new Random(seed).Shuffle(shuffled);
            Assert.Equal(inOrder.Root, Build(shuffled).Root);
            Assert.NotEqual(new MerkleTree().Root, inOrder.Root);
        }, iter: 100);

    [Fact]
    public void Any_difference_changes_the_root_and_undoing_it_restores_it() =>
        KeyStates.Sample(states =>
        {
            var tree = Build(states);
            var root = tree.Root;
            var victim = states[0];
            var changed = victim with { Context = victim.Context.Clone() };
            changed.Context.Add("zz", 1);
            tree.Update(victim.Key, victim, changed);
            Assert.NotEqual(root, tree.Root);
            tree.Update(victim.Key, changed, victim);
            Assert.Equal(root, tree.Root);

            foreach (var s in states)
            {
                tree.Update(s.Key, s, null);
            }

            Assert.Equal(UInt128.Zero, tree.Root);
        }, iter: 100);

    [Fact]
    public void Inner_hashes_are_the_xor_of_their_children() =>
        KeyStates.Sample(states =>
        {
            var tree = Build(states);
            for (var level = 0; level < MerkleTree.Depth; level++)
            {
                var width = (int)Math.Pow(MerkleTree.Fanout, level);
                for (var index = 0; index < width; index++)
                {
                    var xor = tree.Children(level, index).Aggregate(UInt128.Zero, (acc, h) => acc ^ h);
                    Assert.Equal(tree.Hash(level, index), xor);
                }
            }

            // Each key's leaf holds its digest (XOR-ed with the other keys of the bucket).
            var leaves = states.GroupBy(s => MerkleTree.BucketOf(s.Key));
            foreach (var bucket in leaves)
            {
                var expected = bucket.Aggregate(UInt128.Zero, (acc, s) => acc ^ MerkleTree.LeafDigest(s));
                Assert.Equal(expected, tree.Hash(MerkleTree.Depth, bucket.Key));
            }
        }, iter: 20);

    [Fact]
    public void The_same_state_under_another_key_has_another_digest()
    {
        var state = KeyHistory.Run([new HistoryStep(0, 0, 0, 1)], ConflictPolicy.Siblings).States[0];
        Assert.NotEqual(MerkleTree.LeafDigest(state), MerkleTree.LeafDigest(state with { Key = "other" }));
    }

    [Fact]
    public void Buckets_are_stable_and_in_range()
    {
        Assert.Equal(MerkleTree.BucketOf("sensors/greenhouse/temp"), MerkleTree.BucketOf("sensors/greenhouse/temp"));
        var buckets = Enumerable.Range(0, 20_000).Select(i => MerkleTree.BucketOf($"k{i}")).ToList();
        Assert.All(buckets, b => Assert.InRange(b, 0, MerkleTree.LeafCount - 1));
        Assert.True(buckets.Distinct().Count() > MerkleTree.LeafCount * 0.9); // spread over nearly every bucket
    }

    [Fact]
    public void Replicas_holding_the_same_data_have_the_same_root()
    {
        var a = new Node("a");
        var b = new Node("b");
        var fromA = new[] { a.Put("x", "1"), a.Put("y", "2") };
        var fromB = new[] { b.Put("z", "3"), b.Put("x", "4") };
        foreach (var s in fromB)
        {
            a.Receive(s);
        }

        foreach (var s in fromA.Reverse())
        {
            b.Receive(s);
        }

        Assert.Equal(a.Replica.Tree.Root, b.Replica.Tree.Root);
        Assert.Equal(Build([.. a.Storage.LoadAll()]).Root, a.Replica.Tree.Root);
    }

    [Fact]
    public void The_leaves_list_each_key_held_once_in_its_bucket_with_its_states_digest()
    {
        var a = new Node("a");
        var b = new Node("b");
        for (var i = 0; i < 400; i++)
        {
            a.Put($"k/{i}", $"{i}");
        }

        for (var i = 0; i < 400; i += 3)
        {
            a.Put($"k/{i}", $"{i + 1000}"); // replaced: the digest follows the state
        }

        for (var i = 1; i < 400; i += 7)
        {
            a.Delete($"k/{i}"); // a tombstone is still a key held
        }

        a.Receive(b.Put("k/6", "6")); // concurrent with a's own k/6: siblings
        AssertLeavesMatchStore(a);

        // Rebuilt from the store at open, after a crash that lost an uncommitted write.
        a.Replica.Put("k/lost", "1", null);
        Assert.Contains(a.Replica.Tree.Leaves.Entries(MerkleTree.BucketOf("k/lost")), e => e.Key == "k/lost");
        a.CrashAndReopen();
        AssertLeavesMatchStore(a);
        Assert.DoesNotContain(a.Replica.Tree.Leaves.Entries(MerkleTree.BucketOf("k/lost")), e => e.Key == "k/lost");
    }

    private static void AssertLeavesMatchStore(Node node) =>
        Assert.Empty(LeafCheck.Problems(node.Replica.Tree, node.Storage.LoadAll().ToList()));

    private static MerkleTree Build(IEnumerable<KeyState> states)
    {
        var tree = new MerkleTree();
        foreach (var s in states)
        {
            tree.Update(s.Key, null, s);
        }

        return tree;
    }
}
