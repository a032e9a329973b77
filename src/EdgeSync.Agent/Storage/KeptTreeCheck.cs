using EdgeSync.Core.Store;
using Microsoft.Extensions.Logging;

namespace EdgeSync.Agent.Storage;

/// <summary>
/// After a start that took the Merkle tree kept at the last stop: reads every record once, a slice at
/// a time and paced, and compares it with the tree. The full read at start used to do this (and find
/// records that no longer decode); a kept tree skips it, so this does it in the background instead.
/// A difference puts the tree in doubt: it is not kept again, and the next start reads every record
/// and recovers as before (a corrupt store is moved aside and re-seeded from the peers).
/// </summary>
public static class KeptTreeCheck
{
    private const int Slice = 256;

    /// <summary>How long after start-up the agent begins the check.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(30);

    /// <summary>Between slices, so that the check costs the writes little: 100k keys take ~40 s.</summary>
    public static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(100);

    /// <summary>Checks the whole store after <paramref name="delay"/>; true when every record matched.</summary>
    public static async Task<bool> RunAsync(ReplicaService store, ILogger log, TimeSpan delay, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(log);
        try
        {
            await Task.Delay(delay, stopping).ConfigureAwait(false);
            string? after = null;
            do
            {
                string? problem;
                try
                {
                    (after, problem) = store.Read(r => r.CheckTree(after, Slice));
                }
                catch (Exception e) when (LiteDbReplicaStorage.IsCorruption(e) && !stopping.IsCancellationRequested)
                {
                    store.Read(r =>
                    {
                        r.DoubtTree();
                        return 0;
                    });
                    problem = $"a record{(after is null ? string.Empty : $" after key '{after}'")} cannot be read ({e.Message})";
                }

                if (problem is not null)
                {
                    log.LogError("Store check: {Problem}; the next start reads every record and recovers the store (restart the agent to do it now)", problem);
                    return false;
                }

                await Task.Delay(Pace, stopping).ConfigureAwait(false);
            }
            while (after is not null);

            log.LogInformation("Store check: every record matches the Merkle tree kept at the last stop");
            return true;
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            return false; // the agent is stopping: whatever the store says now is about its closing
        }
    }
}
