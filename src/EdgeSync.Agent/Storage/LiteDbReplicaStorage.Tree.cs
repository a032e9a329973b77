using System.Buffers.Binary;
using System.IO.Hashing;
using EdgeSync.Core.Sync;

namespace EdgeSync.Agent.Storage;

// The replica's tree kept across a clean restart, in a file next to the store. Building it at open
// reads and re-hashes every record (100k keys: ~1.1 s of a 1.5 s start here). The file names the
// store and the log generation LiteDB held when it was written; every change to LiteDB's records
// comes with a higher generation (see WriteToLiteDb), so a file whose generation is still LiteDB's
// describes exactly what is stored, and any other is ignored.
public sealed partial class LiteDbReplicaStorage
{
    private const ulong TreeMagic = 0x3145455254534545; // "EESTREE1"
    private const int TreeHeader = 24; // magic, store id, generation
    private const int TreeChecksum = 16;
    private const int TreeSlack = 1 << 20; // the fixed part: header, every node hash, per-bucket counts

    private byte[]? _keptTree;
    private long _storedGeneration;
    private bool _treeLoadable;

    /// <summary>The kept tree of the store at <paramref name="path"/>: "x.db" → "x.tree".</summary>
    public static string TreePathOf(string path) => System.IO.Path.ChangeExtension(path, ".tree");

    /// <summary>Why opening did not use the kept tree file when there was one (then it read every record), as "is ..."; null otherwise.</summary>
    public string? TreeProblem { get; private set; }

    public TreeSnapshot? LoadTree()
    {
        if (!_treeLoadable)
        {
            return null; // opening replayed the log into LiteDB, or the store changed since
        }

        _treeLoadable = false;
        byte[] file;
        try
        {
            // Each key's entry in the tree is smaller than its record in LiteDB: a bigger file is not
            // this store's tree, and reading it whole could exhaust a Pi's memory.
            var length = new FileInfo(TreePathOf(Path)).Length;
            if (length > new FileInfo(Path).Length + TreeSlack)
            {
                Discard($"is larger than the store it would describe ({length} bytes)");
                return null;
            }

            file = File.ReadAllBytes(TreePathOf(Path));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Discard($"is unreadable ({e.Message})");
            return null;
        }

        if (Problem(file) is { } problem)
        {
            Discard(problem);
            return null;
        }

        var snapshot = TreeSnapshot.Decode(new ArraySegment<byte>(file, TreeHeader, file.Length - TreeHeader - TreeChecksum));
        if (snapshot is null)
        {
            Discard("is not a consistent tree this version reads");
            return null;
        }

        // Every stored key is in the tree: a "no" from the filter now means a new key, as after a full scan.
        snapshot.Tree.Leaves.ForEachKey(_known.Add);
        _knownComplete = true;
        return snapshot;
    }

    public void KeepTree(TreeSnapshot? snapshot)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (snapshot is null)
        {
            _keptTree = null;
            DeleteTreeFile(); // now, so not even a crash brings it back
            return;
        }

        _keptTree = _frame.IsEmpty ? snapshot.Encode() : null;
    }

    private string? Problem(byte[] file)
    {
        if (file.Length < TreeHeader + TreeChecksum
            || XxHash128.HashToUInt128(file.AsSpan(0, file.Length - TreeChecksum)) != BinaryPrimitives.ReadUInt128LittleEndian(file.AsSpan(file.Length - TreeChecksum)))
        {
            return "is damaged (its checksum does not match)";
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(file) != TreeMagic || BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(8)) != _storeId)
        {
            return "belongs to another store";
        }

        var generation = BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(16));
        return generation == _storedGeneration ? null : $"is out of date (log generation {generation}, the store is at {_storedGeneration}): the last stop was not clean";
    }

    /// <summary>Says why the file is not used, and removes it (best effort): it is only ever a shortcut, and said once is enough.</summary>
    private void Discard(string problem)
    {
        TreeProblem = problem;
        DeleteTreeFile();
    }

    private void DeleteTreeFile()
    {
        try
        {
            File.Delete(TreePathOf(Path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the data directory is the agent's own, where a delete fails only if something else is wrong.
        }
    }

    /// <summary>At a clean close, once LiteDB holds everything: the kept tree, bound to what LiteDB now holds.</summary>
    private void WriteKeptTree()
    {
        if (_keptTree is not { } payload)
        {
            return;
        }

        var file = new byte[TreeHeader + payload.Length + TreeChecksum];
        BinaryPrimitives.WriteUInt64LittleEndian(file, TreeMagic);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(8), _storeId);
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(16), Volatile.Read(ref _storedGeneration));
        payload.CopyTo(file, TreeHeader);
        BinaryPrimitives.WriteUInt128LittleEndian(file.AsSpan(file.Length - TreeChecksum), XxHash128.HashToUInt128(file.AsSpan(0, file.Length - TreeChecksum)));
        DurableFile.Replace(TreePathOf(Path), file);
    }
}
