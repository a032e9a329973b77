using EdgeSync.Core.Clocks;

namespace EdgeSync.Agent.Hosting;

/// <summary>
/// Consistency without replication: this node is the only member it can count. In a fleet of
/// one that meets every level; with more members configured, quorum and all fail fast.
/// </summary>
public sealed class SoloCoordinator(IClusterView cluster) : IConsistencyCoordinator
{
    public static int Needed(ConsistencyLevel level, int members) => level switch
    {
        ConsistencyLevel.One => 1,
        ConsistencyLevel.Quorum => (members / 2) + 1,
        _ => members,
    };

    public bool CanReach(ConsistencyLevel level) => Needed(level, cluster.Members) <= cluster.ReachableMembers;

    public Task<bool> AwaitWriteAsync(ConsistencyLevel level, Dot update, TimeSpan timeout, CancellationToken cancel) =>
        Task.FromResult(Needed(level, cluster.Members) <= 1);

    public Task<bool> AwaitReadAsync(ConsistencyLevel level, string key, TimeSpan timeout, CancellationToken cancel) =>
        Task.FromResult(Needed(level, cluster.Members) <= 1);
}
