using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Tests.Simulation;

/// <summary>
/// One seeded fleet run: 3–5 nodes take random writes, deletes and reads while the network
/// drops, delays, duplicates and reorders messages, partitions come and go and nodes crash
/// (also in the middle of a commit). Then everything heals, anti-entropy runs until the fleet
/// has converged, stable tombstones are purged, old messages are replayed, and the history is
/// checked. Everything random comes from the seed, so a seed replays exactly.
/// </summary>
public sealed class FleetSimulation
{
    private const int MaxConvergeMs = 60_000;

    private readonly SimContext _ctx;
    private readonly Random _random;
    private readonly History _history = new();
    private readonly List<SimNode> _nodes = [];
    private readonly Dictionary<string, List<DotSet>> _readContexts = new(StringComparer.Ordinal);
    private readonly List<string> _problems = [];
    private readonly int _seed;
    private string[] _keys = [];
    private int _crashes;
    private int _cleanStops;
    private int _partitions;

    private FleetSimulation(int seed)
    {
        _seed = seed;
        _ctx = new SimContext(seed);
        _random = _ctx.Random;
    }

    public static SimResult Run(int seed, int operations = 40, int chaosMs = 2_000) =>
        Inline.Run(() => new FleetSimulation(seed).Execute(operations, chaosMs));

    private SimResult Execute(int operations, int chaosMs)
    {
        Configure();
        foreach (var node in _nodes)
        {
            node.Start();
        }

        PlanChaos(operations, chaosMs);
        _ctx.Scheduler.RunUntil(chaosMs + 100);

        // Heal: network whole and reliable again, every node up, everyone catches up at once.
        _ctx.MidBatchCrashRate = 0;
        _ctx.Network.DropRate = 0;
        _ctx.Network.Heal();
        foreach (var node in _nodes.Where(n => !n.Up))
        {
            node.Start();
        }

        foreach (var node in _nodes)
        {
            node.Engine!.Reconnected();
        }

        var convergedAt = RunUntilConverged();
        PurgeStable();
        _ctx.Network.ReplayOld(20);
        _ctx.Scheduler.RunUntil(_ctx.Scheduler.NowMs + 1_000);
        RunUntilConverged();
        _problems.AddRange(HistoryChecker.Check(_history, _nodes, _ctx.StoreOptions));
        foreach (var node in _nodes)
        {
            _ctx.Trace.Add($"{node.Id} root {node.Access!.Replica.Tree.Root}");
        }

        var acked = _history.Writes.Count(w => w.Outcome == WriteOutcome.Acked);
        var summary = $"{_nodes.Count} nodes, {_history.Writes.Count} writes ({acked} acked), {_history.Reads.Count} reads, "
            + $"{_crashes} crashes, {_cleanStops} clean stops, {_partitions} partitions, {_ctx.Network.MessagesSent} messages, converged at {convergedAt} ms";
        return new SimResult(_seed, _ctx.Trace.Hash, _problems, summary, _nodes.Sum(n => n.KeptTreeStarts));
    }

    private void Configure()
    {
        var count = _random.Next(3, 6);
        for (var i = 1; i <= count; i++)
        {
            _nodes.Add(new SimNode($"n{i}", _ctx));
        }

        _ctx.Members = [.. _nodes.Select(n => n.Id)];
        _ctx.StoreOptions = new StoreOptions
        {
            MaxSiblings = _random.Next(3, 8),
            ConflictPolicies = new Dictionary<string, ConflictPolicy> { ["lww/"] = ConflictPolicy.Lww },
        };
        _ctx.SyncOptions = new SyncOptions
        {
            AntiEntropyInterval = TimeSpan.FromMilliseconds(_random.Next(500, 1_500)),
            MaxBytesPerSecond = _random.Next(3) == 0 ? _random.Next(5_000, 50_000) : 0,
            MaxBatchBytes = _random.Next(1_024, 4_096),
        };
        _ctx.Network.DropRate = _random.NextDouble() * 0.3;
        _ctx.Network.DuplicateRate = _random.NextDouble() * 0.15;
        _ctx.Network.MaxDelayMs = _random.Next(2, 60);
        _ctx.MidBatchCrashRate = _random.Next(2) == 0 ? 0 : 0.05;
        string[] pool = ["a", "b", "c", "d", "sensors/t", "lww/x", "lww/y"];
        _keys = [.. pool.OrderBy(_ => _random.Next()).Take(_random.Next(2, pool.Length + 1))];
    }

    private void PlanChaos(int operations, int chaosMs)
    {
        for (var i = 0; i < operations; i++)
        {
            _ctx.Scheduler.At(_random.Next(chaosMs), ClientOperation);
        }

        for (var i = _random.Next(4); i > 0; i--)
        {
            _ctx.Scheduler.At(_random.Next(chaosMs), Partition);
        }

        for (var i = _random.Next(4); i > 0; i--)
        {
            _ctx.Scheduler.At(_random.Next(chaosMs), CrashOne);
        }
    }

    private void Partition()
    {
        _partitions++;
        var shuffled = _nodes.Select(n => n.Id).OrderBy(_ => _random.Next()).ToList();
        var cut = _random.Next(1, shuffled.Count);
        _ctx.Network.Partition([shuffled[..cut], shuffled[cut..]]);
        _ctx.Scheduler.At(_random.Next(100, 1_500), () =>
        {
            _ctx.Network.Heal();
            foreach (var node in _nodes.Where(n => n.Up))
            {
                node.Engine!.Reconnected();
            }
        });
    }

    private void CrashOne()
    {
        var node = _nodes[_random.Next(_nodes.Count)];
        if (!node.Up)
        {
            return;
        }

        if (_random.Next(2) == 0)
        {
            _cleanStops++;
            node.StopCleanly();
        }
        else
        {
            _crashes++;
            node.Crash();
        }

        _ctx.Scheduler.At(_random.Next(100, 1_000), () =>
        {
            if (!node.Up)
            {
                node.Start();
            }
        });
    }

    private void ClientOperation()
    {
        var node = _nodes[_random.Next(_nodes.Count)];
        var key = _keys[_random.Next(_keys.Length)];
        var roll = _random.Next(100);
        if (!node.Up)
        {
            return;
        }

        if (roll < 40)
        {
            Read(node, key);
        }
        else
        {
            Write(node, key, delete: roll >= 85);
        }
    }

    private void Read(SimNode node, string key)
    {
        var result = node.Access!.Read(r => r.Get(key));
        var values = result.Values.Select(s => (s.Dot, s.Value!)).ToList();
        _history.Reads.Add(new ReadRecord(node.Id, key, _history.Next(), values, result.Context.Clone(), result.State is not null));
        if (!_readContexts.TryGetValue(key, out var contexts))
        {
            _readContexts[key] = contexts = [];
        }

        contexts.Add(result.Context.Clone());
        _ctx.Trace.Add($"read {node.Id} {key} {result.Context}");
    }

    private void Write(SimNode node, string key, bool delete)
    {
        var id = _history.Writes.Count + 1;
        var value = delete ? null : $"{{\"w\":{id}}}";
        var context = ChooseContext(key);
        var record = new WriteRecord(id, node.Id, key, value, _history.Next());
        _history.Writes.Add(record);
        var task = node.Access!.WriteAsync(r =>
        {
            var before = r.Load(key)?.Context.Clone() ?? new DotSet();
            var result = value is null ? r.Delete(key, context) : r.Put(key, value, context);
            return (Result: result, Superseded: context?.Clone() ?? before);
        });
        var awaiter = task.ConfigureAwait(false).GetAwaiter();
        awaiter.OnCompleted(() => Complete(record, task));
    }

    private DotSet? ChooseContext(string key)
    {
        var roll = _random.Next(100);
        if (roll < 15)
        {
            return new DotSet(); // a blind write: concurrent with everything
        }

        if (roll < 60 && _readContexts.TryGetValue(key, out var contexts) && contexts.Count > 0)
        {
            return contexts[_random.Next(contexts.Count)].Clone();
        }

        return null;
    }

    private void Complete(WriteRecord record, Task<(WriteResult Result, DotSet Superseded)> task)
    {
        if (!task.IsCompletedSuccessfully)
        {
            record.Outcome = WriteOutcome.Failed;
        }
        else if (!task.Result.Result.Ok)
        {
            record.Outcome = WriteOutcome.Refused;
        }
        else
        {
            var (result, superseded) = task.Result;
            var dot = new Dot(record.Node, result.State!.Context.MaxOf(record.Node));
            var sibling = result.State.Siblings.FirstOrDefault(s => s.Dot == dot);
            if (sibling is null || sibling.Update != result.Update)
            {
                _problems.Add($"{record}: the acknowledged state does not hold the new version {dot}");
            }

            record.Outcome = WriteOutcome.Acked;
            record.AckedAt = _history.Next();
            record.Dot = dot;
            record.Seq = result.Update.Counter;
            record.Timestamp = sibling?.Timestamp ?? default;
            record.Superseded = superseded;
        }

        _ctx.Trace.Add($"{record}");
    }

    private long RunUntilConverged()
    {
        var deadline = _ctx.Scheduler.NowMs + MaxConvergeMs;
        while (_ctx.Scheduler.NowMs < deadline)
        {
            _ctx.Scheduler.RunUntil(_ctx.Scheduler.NowMs + 100);
            if (Converged())
            {
                return _ctx.Scheduler.NowMs;
            }
        }

        _problems.Add($"did not converge within {MaxConvergeMs} ms of simulated time");
        return -1;
    }

    private bool Converged()
    {
        var first = _nodes[0].Access!.Replica;
        return _nodes.All(n => n.Up && n.Access!.Replica.Tree.Root == first.Tree.Root && n.Access.Replica.Applied.Equals(first.Applied));
    }

    /// <summary>Purge with the fleet-wide stable vector (minimum of every member's applied base) and the frontier (maximum).</summary>
    private void PurgeStable()
    {
        var reports = _nodes.Select(n => n.Access!.Replica.Applied.ToBaseVector()).ToList();
        var stable = VersionVector.Min(reports);
        var frontier = reports.Aggregate(VersionVector.Empty, (max, r) => max.Merge(r));
        foreach (var node in _nodes)
        {
            _ = node.Access!.WriteAsync(r => r.PurgeStable(stable, frontier));
        }

        _ctx.Scheduler.RunUntil(_ctx.Scheduler.NowMs + 10);
        _ctx.Trace.Add($"purged with {stable}");
    }
}
