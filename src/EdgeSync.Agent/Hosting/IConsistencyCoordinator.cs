using EdgeSync.Core.Clocks;

namespace EdgeSync.Agent.Hosting;

/// <summary>
/// Decides whether a consistency level can be met and waits for the acknowledgements. The
/// replication work replaces <see cref="SoloCoordinator"/> with one that counts peer acks.
/// </summary>
public interface IConsistencyCoordinator
{
    /// <summary>Fail-fast check before touching the store: can enough members be reached at all?</summary>
    bool CanReach(ConsistencyLevel level);

    /// <summary>Wait until enough members hold <paramref name="update"/>; false when the timeout passes first.</summary>
    Task<bool> AwaitWriteAsync(ConsistencyLevel level, Dot update, TimeSpan timeout, CancellationToken cancel);

    /// <summary>Wait until enough members have answered a read of <paramref name="key"/>.</summary>
    Task<bool> AwaitReadAsync(ConsistencyLevel level, string key, TimeSpan timeout, CancellationToken cancel);
}
