using EdgeSync.Core.Clocks;
using EdgeSync.Core.Consistency;
using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;
using EdgeSync.Core.Tests.Simulation;

namespace EdgeSync.Core.Tests.Consistency;

/// <summary>
/// A small harness over the fleet simulator for client-side consistency checks: nodes on a
/// seeded lossy network, and helpers that run the simulated clock until a task completes or
/// a session token is covered, within a deadline in simulated milliseconds.
/// </summary>
public sealed class ConsistencySim
{
    public ConsistencySim(int seed, int nodes, SyncOptions sync)
    {
        Context = new SimContext(seed) { SyncOptions = sync };
        Nodes = [.. Enumerable.Range(0, nodes).Select(i => new SimNode($"n{i + 1}", Context))];
        Context.Members = [.. Nodes.Select(n => n.Id)];
        foreach (var node in Nodes)
        {
            node.Start();
        }
    }

    public SimContext Context { get; }

    public Random Random => Context.Random;

    public IReadOnlyList<SimNode> Nodes { get; }

    public long Now => Context.Scheduler.NowMs;

    public void Run(int ms) => Context.Scheduler.RunUntil(Now + ms);

    /// <summary>Run the clock until <paramref name="task"/> is done; false when the deadline passes first.</summary>
    public bool Await(Task task, int maxMs)
    {
        var deadline = Now + maxMs;
        while (!task.IsCompleted && Now < deadline)
        {
            Context.Scheduler.RunUntil(Now + 1);
        }

        return task.IsCompleted;
    }

    /// <summary>The session gate: wait until the node has applied every update in the token (it may crash meanwhile).</summary>
    public bool WaitCovered(SimNode node, DotSet token, int maxMs)
    {
        var deadline = Now + maxMs;
        while (node.Up && !node.Access!.Replica.Applied.ContainsAll(token))
        {
            if (Now >= deadline)
            {
                return false;
            }

            Context.Scheduler.RunUntil(Now + 1);
        }

        return node.Up;
    }

    /// <summary>
    /// A local write through the node's group-commit access; null when it was not acknowledged.
    /// <paramref name="replicatedByCaller"/> as the agent makes a quorum write: not pushed, the caller sends it.
    /// </summary>
    public WriteResult? Write(SimNode node, string key, string json, int maxMs = 500, bool replicatedByCaller = false)
    {
        var task = node.Access!.WriteAsync(r => r.Put(key, json, null, replicatedByCaller));
        return Await(task, maxMs) && task.IsCompletedSuccessfully && task.Result.Ok ? task.Result : null;
    }

    /// <summary>Whether <paramref name="state"/> holds <paramref name="update"/> or a version that superseded it.</summary>
    public static bool Covers(KeyState? state, Dot update) =>
        state is not null && state.Siblings.Any(s => s.Update == update || s.Past.Covers(update.Node, update.Counter));

    public SimNode RandomUp()
    {
        var up = Nodes.Where(n => n.Up).ToList();
        return up[Random.Next(up.Count)];
    }

    public List<SimNode> Shuffled() => [.. Nodes.OrderBy(_ => Random.Next())];

    /// <summary>Cut the fleet into a random majority (returned) and the rest.</summary>
    public List<SimNode> CutMajority()
    {
        var order = Shuffled();
        var side = order.Take(ReplicaCount.Majority(Nodes.Count)).ToList();
        Context.Network.Partition([side.Select(n => n.Id).ToList(), order.Skip(side.Count).Select(n => n.Id).ToList()]);
        return side;
    }
}
