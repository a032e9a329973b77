using System.Collections.Concurrent;

namespace EdgeSync.Agent.Storage;

/// <summary>
/// Per origin, the highest update number LiteDB may hold, so that a delta-sync read can tell
/// without calling the engine (and so without waiting behind a flush's commit while the replica's
/// gate is held) that LiteDB has nothing newer than a peer already has. An origin is known once a
/// query has seen everything LiteDB holds of it, or from the start for a store that opened empty;
/// flushes then raise it. Learning and raising happen under the store's engine lock; asking does not.
/// A flush raises the ceiling before its layer leaves the overlay, so whatever is above a ceiling
/// is still answered from memory. Nothing is learned while a flush's transaction is open: a query
/// on another thread sees LiteDB as of the last commit, without the inserts the flush made so far,
/// and for an origin not yet known those raised no ceiling either.
/// </summary>
internal sealed class StoredCeilings(bool openedEmpty)
{
    private readonly ConcurrentDictionary<string, long> _ceiling = new(StringComparer.Ordinal);
    private bool _flushOpen;

    /// <summary>True when LiteDB certainly holds no update of <paramref name="origin"/> after <paramref name="afterSeq"/>.</summary>
    public bool NothingAfter(string origin, long afterSeq) =>
        _ceiling.TryGetValue(origin, out var ceiling) ? afterSeq >= ceiling : openedEmpty;

    /// <summary>A flush wrote an update of <paramref name="origin"/> (engine lock held).</summary>
    public void Flushed(string origin, long seq)
    {
        if (openedEmpty || _ceiling.ContainsKey(origin))
        {
            _ceiling.AddOrUpdate(origin, seq, (_, ceiling) => Math.Max(ceiling, seq));
        }
    }

    /// <summary>
    /// A query for every update of <paramref name="origin"/> after <paramref name="afterSeq"/> found
    /// <paramref name="highestFound"/> (0 for none), in the same hold of the engine lock.
    /// </summary>
    public void Learned(string origin, long afterSeq, long highestFound)
    {
        if (!_flushOpen)
        {
            _ceiling.TryAdd(origin, Math.Max(afterSeq, highestFound));
        }
    }

    /// <summary>A flush's transaction began (engine lock held).</summary>
    public void FlushOpened() => _flushOpen = true;

    /// <summary>A flush's transaction committed or rolled back (engine lock held).</summary>
    public void FlushClosed() => _flushOpen = false;
}
