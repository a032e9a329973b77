using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;
using EdgeSync.Core.Tests.Store;

namespace EdgeSync.Core.Tests.Sync;

/// <summary>
/// The tree a clean close keeps (<see cref="TreeSnapshot"/>): it comes back exactly, bytes that are
/// not a consistent tree are refused without an exception, and a replica takes it only while it
/// still describes what its storage holds.
/// </summary>
public sealed class TreeSnapshotTests
{
    [Fact]
    public void A_snapshot_decodes_to_the_same_hashes_leaves_and_live_count()
    {
        var node = Populated();
        var tree = node.Replica.Tree;

        var back = TreeSnapshot.Decode(new TreeSnapshot(tree, node.Replica.LiveKeys, 1_234).Encode());

        Assert.NotNull(back);
        Assert.Equal(node.Replica.LiveKeys, back.LiveKeys);
        Assert.Equal(1_234, back.BuiltAtMs);
        for (var level = 0; level <= MerkleTree.Depth; level++)
        {
            for (var i = 0; i < (int)Math.Pow(MerkleTree.Fanout, level); i++)
            {
                Assert.Equal(tree.Hash(level, i), back.Tree.Hash(level, i));
            }
        }

        Assert.Equal(tree.Leaves.Count, back.Tree.Leaves.Count);
        for (var bucket = 0; bucket < MerkleTree.LeafCount; bucket++)
        {
            Assert.Equal(tree.Leaves.Entries(bucket).Order(), back.Tree.Leaves.Entries(bucket).Order());
        }

        Assert.Empty(LeafCheck.Problems(back.Tree, node.Storage.LoadAll().ToList()));
    }

    [Fact]
    public void Truncated_bytes_are_refused_without_an_exception()
    {
        var bytes = new TreeSnapshot(Populated().Replica.Tree, 0, 0).Encode();
        var random = new Random(7);
        foreach (var length in Enumerable.Range(0, 200).Select(_ => random.Next(bytes.Length)).Append(bytes.Length - 1))
        {
            Assert.Null(TreeSnapshot.Decode(bytes[..length]));
        }

        Assert.Null(TreeSnapshot.Decode((byte[])[.. bytes, 0]));
    }

    [Fact]
    public void A_changed_hash_digest_or_header_byte_is_refused_and_no_change_throws()
    {
        var node = Populated();
        var bytes = new TreeSnapshot(node.Replica.Tree, node.Replica.LiveKeys, 0).Encode();
        const int liveCount = 4 + 1 + 1 + 4; // the live count follows magic, format, codec version, leaf count
        var hashes = liveCount + 8 + 8 + 8; // then the build time and the key count
        var leaves = hashes + (16 * (1 + 16 + 256 + 4096));
        var random = new Random(11);
        var refused = 0;
        for (var trial = 0; trial < 600; trial++)
        {
            var at = random.Next(bytes.Length);
            var changed = (byte[])bytes.Clone();
            changed[at] ^= (byte)(1 << random.Next(8));
            var decoded = TreeSnapshot.Decode(changed); // whatever the change: an answer, never an exception
            if (at < liveCount || (at >= hashes && at < leaves))
            {
                Assert.Null(decoded);
                refused++;
            }
        }

        Assert.True(refused > 400, $"only {refused} changes fell in the header or the hashes");

        // Every digest in the leaves is covered by its leaf's hash.
        var digests = DigestOffsets(bytes, leaves).ToList();
        Assert.Equal(node.Replica.Tree.Leaves.Count, digests.Count);
        foreach (var at in digests.Take(50))
        {
            var changed = (byte[])bytes.Clone();
            changed[at] ^= 0x10;
            Assert.Null(TreeSnapshot.Decode(changed));
        }
    }

    [Fact]
    public void A_replica_reopened_after_a_clean_close_takes_the_kept_tree()
    {
        var node = Populated();
        var root = node.Replica.Tree.Root;
        var live = node.Replica.LiveKeys;
        node.Replica.KeepTree();

        var reopened = new Replica(node.Id, node.Storage, node.Options, node.Time);

        Assert.True(reopened.TreeFromSnapshot);
        Assert.Equal(root, reopened.Tree.Root);
        Assert.Equal(live, reopened.LiveKeys);
        Assert.Empty(LeafCheck.Problems(reopened.Tree, node.Storage.LoadAll().ToList()));
    }

    [Fact]
    public void A_change_after_the_tree_was_kept_voids_it()
    {
        var node = Populated();
        node.Replica.KeepTree();
        node.Put("late", "1");

        var reopened = new Replica(node.Id, node.Storage, node.Options, node.Time);

        Assert.False(reopened.TreeFromSnapshot);
        Assert.Equal(node.Replica.Tree.Root, reopened.Tree.Root);
        Assert.Empty(LeafCheck.Problems(reopened.Tree, node.Storage.LoadAll().ToList()));
    }

    [Fact]
    public void A_tree_ahead_of_what_is_committed_is_not_kept()
    {
        var node = Populated();
        Assert.True(node.Replica.Put("uncommitted", "1", null).Ok);
        node.Replica.KeepTree();

        var reopened = node.CrashAndReopen();

        Assert.False(reopened.TreeFromSnapshot);
        Assert.Empty(LeafCheck.Problems(reopened.Tree, node.Storage.LoadAll().ToList()));
    }

    [Fact]
    public void A_kept_tree_is_trusted_for_a_week_from_its_last_build_and_then_rebuilt_from_the_records()
    {
        var node = Populated();
        var builtAt = node.Replica.TreeBuiltAtMs;
        node.Replica.KeepTree();

        node.Time.Advance((long)TimeSpan.FromDays(4).TotalMilliseconds);
        var reopened = new Replica(node.Id, node.Storage, node.Options, node.Time);
        Assert.True(reopened.TreeFromSnapshot);
        Assert.Equal(builtAt, reopened.TreeBuiltAtMs); // kept again, it is still as old as its build
        reopened.KeepTree();

        node.Time.Advance((long)TimeSpan.FromDays(4).TotalMilliseconds);
        var rebuilt = new Replica(node.Id, node.Storage, node.Options, node.Time);
        Assert.False(rebuilt.TreeFromSnapshot);
        Assert.Contains("8.0 days ago", rebuilt.KeptTreeRefused, StringComparison.Ordinal);
        Assert.Equal(node.Time.GetUtcNow().ToUnixTimeMilliseconds(), rebuilt.TreeBuiltAtMs);
        Assert.Equal(node.Replica.Tree.Root, rebuilt.Tree.Root);
    }

    [Fact]
    public void A_kept_tree_built_later_than_the_clock_now_says_is_rebuilt()
    {
        var node = Populated();
        node.Replica.KeepTree();
        var kept = node.Storage.LoadTree()!;
        node.Storage.KeepTree(kept with { BuiltAtMs = kept.BuiltAtMs + (long)TimeSpan.FromDays(1).TotalMilliseconds });

        var reopened = new Replica(node.Id, node.Storage, node.Options, node.Time);

        Assert.False(reopened.TreeFromSnapshot);
        Assert.Contains("later than this node's clock", reopened.KeptTreeRefused, StringComparison.Ordinal);
    }

    [Fact]
    public void A_check_walks_every_record_and_a_record_changed_underneath_puts_the_tree_in_doubt()
    {
        var node = Populated();
        node.Replica.KeepTree();
        var reopened = new Replica(node.Id, node.Storage, node.Options, node.Time);
        Assert.True(reopened.TreeFromSnapshot);

        var (checkedKeys, next) = (0, (string?)null);
        do
        {
            (next, var problem) = reopened.CheckTree(next, 16);
            Assert.Null(problem);
            checkedKeys++;
        }
        while (next is not null);
        Assert.True(checkedKeys > 300 / 16, $"{checkedKeys} slices");

        // As bit rot would: the stored record changes, the tree does not.
        var stored = node.Storage.Load("k/100")!;
        node.Storage.Save(stored with { Siblings = [stored.Siblings[0] with { Value = "\"rot\"" }] });
        node.Storage.Commit();
        reopened.KeepTree();
        var again = new Replica(node.Id, node.Storage, node.Options, node.Time);
        Assert.True(again.TreeFromSnapshot); // nothing told the storage: only a check can tell

        var found = Walk(again);

        Assert.Contains("k/100", found, StringComparison.Ordinal);
        Assert.True(again.TreeInDoubt);
        again.KeepTree();
        var rebuilt = new Replica(node.Id, node.Storage, node.Options, node.Time);
        Assert.False(rebuilt.TreeFromSnapshot);
        Assert.Empty(LeafCheck.Problems(rebuilt.Tree, node.Storage.LoadAll().ToList()));
    }

    /// <summary>Live keys, tombstones, rewritten keys and a key with two concurrent versions.</summary>
    private static Node Populated()
    {
        var node = new Node("a");
        for (var i = 0; i < 300; i++)
        {
            node.Put($"k/{i:D3}", $"{i}");
        }

        for (var i = 0; i < 300; i += 7)
        {
            node.Delete($"k/{i:D3}");
        }

        node.Put("k/001", "\"again\"");
        var other = new Node("b");
        node.Receive(other.Put("k/002", "\"concurrent\""));
        Assert.Equal(2, node.Replica.Get("k/002").Values.Count);
        return node;
    }

    /// <summary>Runs a whole check; the first problem found, or null.</summary>
    private static string? Walk(Replica replica)
    {
        string? next = null;
        do
        {
            (next, var problem) = replica.CheckTree(next, 64);
            if (problem is not null)
            {
                return problem;
            }
        }
        while (next is not null);
        return null;
    }

    /// <summary>Where each entry's digest sits in the encoded leaves ([u32 used][entries] per bucket).</summary>
    private static IEnumerable<int> DigestOffsets(byte[] bytes, int leaves)
    {
        var at = leaves;
        for (var bucket = 0; bucket < MerkleTree.LeafCount; bucket++)
        {
            var used = BitConverter.ToInt32(bytes, at);
            at += 4;
            var end = at + used;
            while (at < end)
            {
                var length = BitConverter.ToUInt16(bytes, at);
                yield return at + 2 + length;
                at += 2 + length + 8;
            }
        }
    }
}
