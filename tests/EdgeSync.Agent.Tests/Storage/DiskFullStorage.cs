using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Agent.Tests.Storage;

/// <summary>An in-memory store whose commits fail with the I/O error of a full disk once <see cref="Full"/> is set.</summary>
public sealed class DiskFullStorage : IReplicaStorage
{
    private readonly InMemoryReplicaStorage _inner = new();

    public volatile bool Full;

    /// <summary>What a commit throws once <see cref="Full"/> is set (by default a full disk's I/O error).</summary>
    public Func<Exception> Failure { get; set; } = () => new IOException("No space left on device");

    public KeyState? Load(string key) => _inner.Load(key);

    public void Save(KeyState state) => _inner.Save(state);

    public void Remove(string key) => _inner.Remove(key);

    public IEnumerable<KeyState> List(string prefix, string? startAfter, int limit) => _inner.List(prefix, startAfter, limit);

    public IEnumerable<(string Key, long Seq)> UpdatesAfter(string origin, long afterSeq) => _inner.UpdatesAfter(origin, afterSeq);

    public IEnumerable<KeyState> LoadAll() => _inner.LoadAll();

    public TreeSnapshot? LoadTree() => _inner.LoadTree();

    public void KeepTree(TreeSnapshot? snapshot) => _inner.KeepTree(snapshot);

    public IEnumerable<string> DeletedKeys() => _inner.DeletedKeys();

    public ReplicaMeta? LoadMeta() => _inner.LoadMeta();

    public void SaveMeta(ReplicaMeta meta) => _inner.SaveMeta(meta);

    public void Commit()
    {
        if (Full)
        {
            throw Failure();
        }

        _inner.Commit();
    }
}
