using System.Net.Sockets;
using EdgeSync.Agent.Mqtt;
using EdgeSync.Core.Clocks;

namespace EdgeSync.Agent.Emulation;

/// <summary>
/// The emulated fleet: the embedded broker, N agents in this process, each behind its own cable,
/// and a monitor that turns state changes (leader, partition, convergence) into events.
/// </summary>
public sealed class EmulatedFleet : IAsyncDisposable
{
    private static readonly TimeSpan MonitorInterval = TimeSpan.FromMilliseconds(50);

    private readonly EmbeddedBroker _broker;
    private readonly List<EmulatedNode> _nodes = [];
    private readonly List<Cable> _cables = [];
    private readonly string _dataRoot;
    private readonly bool _removeDataRoot;
    private readonly CancellationTokenSource _stop = new();
    private Task _monitor = Task.CompletedTask;

    private EmulatedFleet(EmbeddedBroker broker, string dataRoot, bool removeDataRoot)
    {
        _broker = broker;
        _dataRoot = dataRoot;
        _removeDataRoot = removeDataRoot;
    }

    public EventLog Events { get; } = new();

    public IReadOnlyList<EmulatedNode> Nodes => _nodes;

    public string DataRoot => _dataRoot;

    public int BrokerPort => _broker.Port;

    /// <summary>Starts the broker, the cables and every node; on failure everything started is stopped again.</summary>
    public static async Task<EmulatedFleet> StartAsync(EmulatorOptions options, CancellationToken cancel)
    {
        for (var k = 1; k <= options.Nodes; k++)
        {
            EnsurePortFree(options.BasePort + k);
        }

        var keep = options.DataDir is not null;
        var root = Path.GetFullPath(options.DataDir ?? Path.Combine(Path.GetTempPath(), "edgesync-emulate-" + Guid.NewGuid().ToString("N")[..8]));
        Directory.CreateDirectory(root);
        var broker = new EmbeddedBroker(0);
        var fleet = new EmulatedFleet(broker, root, !keep);
        try
        {
            await broker.StartAsync();
            fleet.Events.Add($"broker listening on 127.0.0.1:{broker.Port}; data in {root}");
            for (var k = 1; k <= options.Nodes; k++)
            {
                var cable = new Cable(broker.Port);
                fleet._cables.Add(cable);
                var config = options.NodeConfig(k, root, cable.Port);
                var problems = config.Validate().ToList();
                if (problems.Count > 0)
                {
                    throw new InvalidOperationException($"node {k}: {string.Join("; ", problems)}");
                }

                fleet._nodes.Add(new EmulatedNode(k, config, cable));
            }

            await Task.WhenAll(fleet._nodes.Select(n => n.StartAsync(cancel)));
            foreach (var node in fleet._nodes)
            {
                fleet.Events.Add($"{node.Id} started: api http://127.0.0.1:{node.ApiPort}");
            }

            fleet._monitor = Task.Run(() => fleet.MonitorAsync(fleet._stop.Token), CancellationToken.None);
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    public EmulatedNode Node(int index) => _nodes[index - 1];

    public IReadOnlyList<NodeSnapshot> Snapshot() => [.. _nodes.Select(n => n.Snapshot())];

    /// <summary>Everything applied anywhere (running or not): the target every replica converges to.</summary>
    public static VersionVector FleetVector(IEnumerable<NodeSnapshot> nodes) =>
        nodes.Aggregate(VersionVector.Empty, (v, n) => v.Merge(n.Vector));

    /// <summary>All running nodes hold the same updates, keys and Merkle root.</summary>
    public static bool Converged(IReadOnlyList<NodeSnapshot> nodes)
    {
        var running = nodes.Where(n => n.Running).ToList();
        return running.Count > 0 && running.All(n => n.Vector.Equals(running[0].Vector) && n.Keys == running[0].Keys && n.Root == running[0].Root);
    }

    /// <summary>One leader among the running nodes, and every running node with a plugged cable names it.</summary>
    public static string? AgreedLeader(IReadOnlyList<NodeSnapshot> nodes)
    {
        var leaders = nodes.Where(n => n.IsLeader).ToList();
        if (leaders.Count != 1)
        {
            return null;
        }

        var leader = leaders[0].Id;
        return nodes.Where(n => n.Running && !n.CablePulled).All(n => n.Leader == leader) ? leader : null;
    }

    public void Pull(EmulatedNode node)
    {
        node.Cable.Pull();
        Events.Add($"{node.Id} cable pulled");
    }

    public void Plug(EmulatedNode node)
    {
        node.Cable.Plug();
        Events.Add($"{node.Id} cable plugged in");
    }

    public async Task KillAsync(EmulatedNode node)
    {
        if (!node.Running)
        {
            throw new InvalidOperationException($"{node.Id} is not running");
        }

        Events.Add($"{node.Id} killed (data kept in {node.Config.Node.DataDir})");
        await node.StopAsync(abrupt: true);
    }

    public async Task StartNodeAsync(EmulatedNode node, CancellationToken cancel)
    {
        if (node.Running)
        {
            throw new InvalidOperationException($"{node.Id} is already running");
        }

        var keys = await node.StartAsync(cancel);
        Events.Add($"{node.Id} restarted with its data ({keys} keys on disk)");
    }

    /// <summary>Asks the leader to step down (through any running node when the leader's own cable is pulled).</summary>
    public string StepDown()
    {
        var snapshots = Snapshot();
        var leader = snapshots.FirstOrDefault(n => n.IsLeader);
        var via = leader is not null ? Node(leader.Index) : _nodes.FirstOrDefault(n => n.Running);
        if (via?.Fleet is not { } runtime)
        {
            throw new InvalidOperationException("no running node to ask");
        }

        if (leader is null && snapshots.All(s => s.Leader is null))
        {
            throw new InvalidOperationException("there is no leader to step down");
        }

        _ = runtime.RequestStepDownAsync();
        var name = leader?.Id ?? snapshots.First(s => s.Leader is not null).Leader;
        Events.Add($"asked leader {name} to step down");
        return name!;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _monitor;
        await Task.WhenAll(_nodes.Select(n => n.DisposeAsync().AsTask()));
        foreach (var cable in _cables)
        {
            await cable.DisposeAsync();
        }

        await _broker.DisposeAsync();
        _stop.Dispose();
        if (_removeDataRoot)
        {
            try
            {
                Directory.Delete(_dataRoot, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp directory left behind is harmless.
            }
        }
    }

    private static void EnsurePortFree(int port)
    {
        try
        {
            using var probe = new TcpListener(System.Net.IPAddress.Loopback, port);
            probe.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true); // as Kestrel binds: TIME_WAIT is no conflict
            probe.Start();
        }
        catch (SocketException)
        {
            throw new InvalidOperationException($"127.0.0.1:{port} is already in use; pick other API ports with --base-port");
        }
    }

    private async Task MonitorAsync(CancellationToken stop)
    {
        var before = Snapshot();
        var converged = Converged(before);
        using var timer = new PeriodicTimer(MonitorInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var now = Snapshot();
                for (var i = 0; i < now.Count; i++)
                {
                    Compare(before[i], now[i]);
                }

                var nowConverged = Converged(now) && now.Any(n => n.Running);
                if (nowConverged && !converged)
                {
                    var first = now.First(n => n.Running);
                    Events.Add($"converged: {first.Keys} keys, same version vector on every running node");
                }

                converged = nowConverged;
                before = now;
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void Compare(NodeSnapshot was, NodeSnapshot now)
    {
        if (!now.Running || !was.Running)
        {
            return; // start and kill are reported by the commands
        }

        if (now.IsLeader && (!was.IsLeader || was.Term != now.Term))
        {
            Events.Add($"{now.Id} is leader (term {now.Term})");
        }
        else if (was.IsLeader && !now.IsLeader)
        {
            Events.Add($"{now.Id} is no longer leader (now {now.Role}, term {now.Term})");
        }

        if (was.Partition != now.Partition)
        {
            Events.Add($"{now.Id} partition {was.Partition} -> {now.Partition}");
        }
    }
}
