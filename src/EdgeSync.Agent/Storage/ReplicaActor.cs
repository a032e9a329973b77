using EdgeSync.Core.Clocks;

namespace EdgeSync.Agent.Storage;

/// <summary>
/// The id a store stamps its own updates with (the origin of their dots). A store created empty
/// gets the node id plus a random suffix (<c>pi-3.k2vq7xma</c>), kept in <c>replica.actor</c>
/// beside the database. A node that comes back with a new store under the same node id — a
/// reflashed card, a wiped or corrupt data directory, the memory engine after a restart — would
/// otherwise number its updates from 1 again, and its peers, which hold the old updates with the
/// same numbers, would take the new writes for ones they already have: never replicated, and two
/// different values under one version. A store from before actor ids existed keeps the node id.
/// </summary>
public static class ReplicaActor
{
    public const string FileName = "replica.actor";

    private const int SuffixLength = 8; // 40 random bits: a clash needs two stores of one node id to draw the same
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>
    /// The actor of the store in <paramref name="dataDir"/>. <paramref name="freshStore"/>: the store is
    /// being created empty (no database file before this start), so it must not inherit an old actor.
    /// The file is durable before this returns, so no write can be acknowledged under an actor a
    /// later start would not find again.
    /// </summary>
    public static string Resolve(string dataDir, string nodeId, bool freshStore)
    {
        var path = Path.Combine(dataDir, FileName);
        var kept = freshStore ? null : Read(path);
        if (kept is not null && Belongs(kept, nodeId))
        {
            return kept;
        }

        // A kept database without the file predates actor ids: its updates already carry the node id.
        // Anything else (new store, damaged file, another node's actor) gets a new actor: always safe.
        var actor = !freshStore && kept is null ? nodeId : New(nodeId);
        DurableFile.Replace(path, actor + "\n");
        return actor;
    }

    /// <summary>A new actor for <paramref name="nodeId"/>, also for stores that are never kept (memory engine).</summary>
    public static string New(string nodeId)
    {
        // 40 random bits from a version-4 GUID's first five bytes (the OS's secure random source).
        // Not RandomNumberGenerator: that loads OpenSSL, ~4 MB of resident memory for one name.
        var bits = BitConverter.ToUInt64(Guid.NewGuid().ToByteArray(), 0) & ((1UL << (5 * SuffixLength)) - 1);
        var suffix = new char[SuffixLength];
        for (var i = 0; i < SuffixLength; i++, bits >>= 5)
        {
            suffix[i] = Alphabet[(int)(bits & 31)];
        }

        return Stem(nodeId) + "." + new string(suffix);
    }

    /// <summary>Whether <paramref name="actor"/> was made for <paramref name="nodeId"/> (a data directory reused under another id gets a new one).</summary>
    public static bool Belongs(string actor, string nodeId)
    {
        if (actor == nodeId)
        {
            return true;
        }

        var stem = Stem(nodeId);
        return actor.Length == stem.Length + 1 + SuffixLength &&
               actor.StartsWith(stem + ".", StringComparison.Ordinal) &&
               actor.AsSpan(stem.Length + 1).IndexOfAnyExcept(Alphabet) < 0;
    }

    // Node ids may use all 64 characters; the actor keeps to the same limit, which every decoder checks.
    private static string Stem(string nodeId) =>
        nodeId.Length > NodeId.MaxLength - SuffixLength - 1 ? nodeId[..(NodeId.MaxLength - SuffixLength - 1)] : nodeId;

    /// <summary>The file's text; null only when there is no file (unreadable counts as damaged: empty).</summary>
    private static string? Read(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
