using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Store;

/// <summary>
/// The port the replica persists through (LiteDB on a device, memory in the simulator).
/// Used by one thread at a time. Changes between two <see cref="Commit"/> calls form one atomic
/// batch; <see cref="Commit"/> returns only once the batch is durable.
/// </summary>
public interface IReplicaStorage
{
    KeyState? Load(string key);

    void Save(KeyState state);

    void Remove(string key);

    /// <summary>Records in ordinal key order, starting after <paramref name="startAfter"/>.</summary>
    IEnumerable<KeyState> List(string prefix, string? startAfter, int limit);

    /// <summary>Keys holding a live version written by <paramref name="origin"/> with a sequence above <paramref name="afterSeq"/>.</summary>
    IEnumerable<(string Key, long Seq)> UpdatesAfter(string origin, long afterSeq);

    IEnumerable<KeyState> LoadAll();

    /// <summary>
    /// The tree <see cref="KeepTree"/> kept at the last clean close, if it still describes exactly
    /// what is stored; otherwise null, and the replica builds its tree from <see cref="LoadAll"/>.
    /// </summary>
    TreeSnapshot? LoadTree();

    /// <summary>
    /// At a clean close, after the last commit: keep the replica's tree for the next open. Ignored
    /// while changes are uncommitted (the tree is then ahead of what is stored); any later change voids it.
    /// Null: keep none, and forget at once any tree kept before (it is in doubt).
    /// </summary>
    void KeepTree(TreeSnapshot? snapshot);

    /// <summary>Keys whose versions are all tombstones.</summary>
    IEnumerable<string> DeletedKeys();

    ReplicaMeta? LoadMeta();

    void SaveMeta(ReplicaMeta meta);

    void Commit();
}
