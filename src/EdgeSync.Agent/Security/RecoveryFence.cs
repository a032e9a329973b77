using System.Collections.Concurrent;
using EdgeSync.Agent.Config;
using EdgeSync.Agent.Replication;
using EdgeSync.Agent.Storage;
using EdgeSync.Core.Clocks;
using EdgeSync.Core.Sync;

namespace EdgeSync.Agent.Security;

/// <summary>
/// Lifts the write fence of a recovered store once its peers have re-seeded it. Every sync message
/// that carries a peer's whole applied set (a delta request, a complete delta response) tells what
/// that peer holds; once the local applied set has contained one such set from every other member,
/// this node holds everything any member held when it came back, so a write without a context
/// supersedes it instead of becoming its sibling (see <see cref="StoreRecovery"/>). Until then,
/// PUT/DELETE and batches answer 503 <c>store_recovering</c>.
/// A member that never comes back keeps the fence up: the log line says which ones are awaited.
/// </summary>
public sealed class RecoveryFence(StoreRecovery recovery, FleetRuntime fleet, ReplicaService store, AgentConfig config, ILogger<RecoveryFence> log)
    : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<string, DotSet> _heard = new(StringComparer.Ordinal);
    private readonly HashSet<string> _covered = new(StringComparer.Ordinal);

    /// <summary>Local writes are refused (see <see cref="StoreRecovery"/>).</summary>
    public bool Fenced => recovery.Fenced;

    /// <summary>Members whose knowledge of this node is not yet known to be covered.</summary>
    public IReadOnlyList<string> Awaiting =>
        [.. config.Members.Where(m => m != config.Node.Id && !IsCovered(m))];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!recovery.Fenced)
        {
            return;
        }

        log.LogWarning("Store recovery: local writes are refused until every other member ({Members}) has re-seeded this node", string.Join(", ", Awaiting));
        MqttSyncTransport? attached = null;
        using var timer = new PeriodicTimer(Tick);
        try
        {
            do
            {
                if (attached is null && fleet.SyncTransport is { } transport)
                {
                    attached = transport;
                    transport.Received += Observe;
                }

                foreach (var (peer, applied) in _heard)
                {
                    if (!IsCovered(peer) && store.Read(r => r.Applied.ContainsAll(applied)))
                    {
                        lock (_covered)
                        {
                            _covered.Add(peer);
                        }
                    }
                }

                if (Awaiting.Count == 0)
                {
                    recovery.Complete();
                    log.LogInformation("Store recovery complete: re-seeded from peers ({Keys} keys), local writes accepted again", store.Read(r => r.LiveKeys));
                    return;
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Stopping; the marker file keeps the fence for the next start.
        }
        finally
        {
            if (attached is not null)
            {
                attached.Received -= Observe;
            }
        }
    }

    private bool IsCovered(string peer)
    {
        lock (_covered)
        {
            return _covered.Contains(peer);
        }
    }

    private void Observe(SyncMessage message)
    {
        var (sender, applied) = message switch
        {
            DeltaRequest r => (r.Sender, r.Applied),
            DeltaResponse { Coverage: { } c } r => (r.Sender, c),
            _ => (null, null),
        };
        if (sender is not null && applied is not null && config.Members.Contains(sender, StringComparer.Ordinal))
        {
            // The first set a peer sends after this start already holds all it knows of our old updates.
            _heard.TryAdd(sender, applied);
        }
    }
}
