using EdgeSync.Core.Consistency;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Hosting;

/// <summary>
/// Meets a consistency level (SPEC §5): decides at once whether enough members are reachable,
/// gathers durable acknowledgements for writes and merged answers (with read repair) for reads.
/// </summary>
public interface IConsistencyCoordinator
{
    int Members { get; }

    /// <summary>Members reachable now, this node included (the failure detector's view).</summary>
    int Reachable { get; }

    /// <summary>Members (this node included) the level needs.</summary>
    int Needed(ConsistencyLevel level);

    /// <summary>Fail-fast check before touching the store: can enough members be reached at all?</summary>
    bool CanReach(ConsistencyLevel level);

    /// <summary>
    /// Whether <see cref="ReplicateAsync"/> at this level sends the writes to every peer itself. Such
    /// writes are made with <c>replicatedByCaller</c>, so the store's push does not send them as well.
    /// </summary>
    bool SendsWrites(ConsistencyLevel level);

    /// <summary>
    /// Send committed local writes to the peers; returns the members holding every one of them
    /// durably (the fewest over the writes, this node included) when the level was met or the timeout passed.
    /// </summary>
    Task<int> ReplicateAsync(ConsistencyLevel level, IReadOnlyList<KeyState> states, TimeSpan timeout, CancellationToken cancel);

    /// <summary>Read a key from enough replicas, merge and repair; Replicas = members that answered.</summary>
    Task<QuorumOutcome> ReadAsync(ConsistencyLevel level, string key, TimeSpan timeout, CancellationToken cancel);
}
