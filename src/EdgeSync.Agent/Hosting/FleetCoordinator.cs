using EdgeSync.Agent.Replication;
using EdgeSync.Agent.Storage;
using EdgeSync.Core.Consistency;
using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Agent.Hosting;

/// <summary>
/// Consistency levels over the fleet's sync engine. The fail-fast check uses the failure
/// detector's view (a minority side refuses quorum at once); the waits count durable acks or
/// state answers from distinct peers. A fleet of one meets every level by itself.
/// </summary>
public sealed class FleetCoordinator(IClusterView cluster, FleetRuntime fleet, ReplicaService store) : IConsistencyCoordinator
{
    public int Members => cluster.Members;

    public int Reachable => cluster.ReachableMembers;

    public static int Needed(ConsistencyLevel level, int members) => level switch
    {
        ConsistencyLevel.One => 1,
        ConsistencyLevel.Quorum => ReplicaCount.Majority(members),
        _ => members,
    };

    /// <summary>The highest level <paramref name="replicas"/> members meet.</summary>
    public static ConsistencyLevel Reached(int replicas, int members) =>
        replicas >= members ? ConsistencyLevel.All
        : replicas >= ReplicaCount.Majority(members) ? ConsistencyLevel.Quorum
        : ConsistencyLevel.One;

    public int Needed(ConsistencyLevel level) => Needed(level, cluster.Members);

    public bool CanReach(ConsistencyLevel level) => Needed(level) <= cluster.ReachableMembers;

    public bool SendsWrites(ConsistencyLevel level) => PeerEngine(level) is not null;

    public async Task<int> ReplicateAsync(ConsistencyLevel level, IReadOnlyList<KeyState> states, TimeSpan timeout, CancellationToken cancel)
    {
        if (PeerEngine(level) is not { } engine)
        {
            return 1;
        }

        var peers = Needed(level) - 1;

        using var lost = WatchReachability(level, cancel);
        int replicas;
        try
        {
            replicas = await engine.ReplicateAsync(states, peers, timeout, lost.Token).ConfigureAwait(false);
        }
        finally
        {
            await lost.CancelAsync().ConfigureAwait(false); // stops the watch
        }

        // The ack may have completed us on the MQTT inbox thread: leave it at once.
        await Task.Yield();
        return replicas;
    }

    public async Task<QuorumOutcome> ReadAsync(ConsistencyLevel level, string key, TimeSpan timeout, CancellationToken cancel)
    {
        if (PeerEngine(level) is not { } engine)
        {
            return new QuorumOutcome(1, store.Read(r => r.Load(key)));
        }

        var peers = Needed(level) - 1;

        using var lost = WatchReachability(level, cancel);
        QuorumOutcome outcome;
        try
        {
            outcome = await engine.QuorumReadAsync(key, peers, timeout, lost.Token).ConfigureAwait(false);
        }
        finally
        {
            await lost.CancelAsync().ConfigureAwait(false); // stops the watch
        }

        await Task.Yield();
        return outcome;
    }

    /// <summary>
    /// Cancelled when the failure detector says the level can no longer be met, so a request
    /// caught by a partition answers 503 then, not at its timeout.
    /// </summary>
    private CancellationTokenSource WatchReachability(ConsistencyLevel level, CancellationToken cancel)
    {
        var lost = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var token = lost.Token;
        _ = Task.Run(
            async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
                while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
                {
                    if (!CanReach(level))
                    {
                        await lost.CancelAsync().ConfigureAwait(false);
                        return;
                    }
                }
            },
            token).ContinueWith(_ => { }, TaskScheduler.Default);
        return lost;
    }

    /// <summary>The engine that asks the peers at <paramref name="level"/> (sends them a write, or reads from them), or null when the level needs no peer or there is no fleet.</summary>
    private SyncEngine? PeerEngine(ConsistencyLevel level) => Needed(level) > 1 ? fleet.Engine : null;
}
