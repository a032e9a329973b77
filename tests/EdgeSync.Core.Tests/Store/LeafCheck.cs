using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Tests.Store;

/// <summary>Whether a tree's leaves list exactly the held states: each key once, with its state's digest.</summary>
public static class LeafCheck
{
    /// <summary>What is wrong with <paramref name="tree"/>'s leaves against <paramref name="held"/>; empty when nothing is.</summary>
    public static List<string> Problems(MerkleTree tree, IReadOnlyCollection<KeyState> held)
    {
        var problems = new List<string>();
        foreach (var state in held)
        {
            var leaf = tree.Leaves.Entries(MerkleTree.BucketOf(state.Key)).Where(e => e.Key == state.Key).ToList();
            if (leaf.Count != 1 || leaf[0].Digest != SyncEngine.DigestOf(state))
            {
                problems.Add($"key {state.Key} listed {leaf.Count} times in its Merkle leaf, or with another digest");
            }
        }

        // With each held key there once, an equal count rules out extras.
        if (tree.Leaves.Count != held.Count)
        {
            problems.Add($"its Merkle leaves list {tree.Leaves.Count} keys, its store holds {held.Count}");
        }

        return problems;
    }
}
