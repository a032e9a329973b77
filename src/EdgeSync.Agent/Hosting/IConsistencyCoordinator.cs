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

    /// <summary>Send a committed local write to the peers; Replicas = members holding it durably when the level was met or the timeout passed.</summary>
    Task<QuorumOutcome> ReplicateAsync(ConsistencyLevel level, KeyState state, TimeSpan timeout, CancellationToken cancel);

    /// <summary>Read a key from enough replicas, merge and repair; Replicas = members that answered.</summary>
    Task<QuorumOutcome> ReadAsync(ConsistencyLevel level, string key, TimeSpan timeout, CancellationToken cancel);
}
