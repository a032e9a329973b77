using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;
using EdgeSync.Core.Tests.Store;

namespace EdgeSync.Core.Tests.Simulation;

/// <summary>
/// Jepsen-style verdict on a finished, healed run. For every key it derives from the acknowledged
/// writes alone what must be left: the writes no other acknowledged write superseded (its
/// context covered the dot); under LWW only the highest of those. Every node must hold exactly
/// that: no acknowledged write lost, no sibling that is not truly concurrent, no deleted or
/// overwritten value back, nothing from a write that was never acknowledged. Reads must only
/// return written values, and a node must never forget a write it acknowledged.
/// </summary>
public static class HistoryChecker
{
    public static List<string> Check(History history, IReadOnlyList<SimNode> nodes, StoreOptions options)
    {
        var problems = new List<string>();
        CheckConvergence(nodes, problems);
        CheckFinalStates(history, nodes, options, problems);
        CheckReads(history, problems);
        return problems;
    }

    public static List<(Dot Dot, string? Value)> Expected(IReadOnlyList<WriteRecord> acked, ConflictPolicy policy)
    {
        var maximal = acked.Where(w => !acked.Any(o => o != w && o.Superseded.Contains(w.Dot))).ToList();
        if (policy == ConflictPolicy.Lww && maximal.Count > 0)
        {
            maximal = [maximal.Aggregate((a, b) => Sibling.CompareForLww(AsSibling(a), AsSibling(b)) >= 0 ? a : b)];
        }

        return [.. maximal.Where(w => w.Value is not null).Select(w => (w.Dot, w.Value)).OrderBy(x => x.Dot)];
    }

    private static Sibling AsSibling(WriteRecord w) => new(w.Dot, w.Seq, w.Timestamp, w.Value, VersionVector.Empty);

    private static void CheckConvergence(IReadOnlyList<SimNode> nodes, List<string> problems)
    {
        foreach (var node in nodes)
        {
            // The incrementally kept tree must equal one rebuilt from the stored states.
            // So must its leaves: each stored key once, with its state's digest.
            var rebuilt = new EdgeSync.Core.Sync.MerkleTree();
            var tree = node.Access!.Replica.Tree;
            var held = node.Storage.LoadAll().ToList();
            foreach (var state in held)
            {
                rebuilt.Update(state.Key, null, state);
            }

            if (rebuilt.Root != tree.Root)
            {
                problems.Add($"{node.Id}: Merkle tree out of step with its stored states");
            }

            problems.AddRange(LeafCheck.Problems(tree, held).Select(p => $"{node.Id}: {p}"));
        }

        var first = nodes[0];
        var firstStates = Encoded(first);
        foreach (var node in nodes.Skip(1))
        {
            if (node.Access!.Replica.Tree.Root != first.Access!.Replica.Tree.Root)
            {
                problems.Add($"Merkle roots differ: {first.Id} vs {node.Id}");
            }

            var states = Encoded(node);
            foreach (var key in firstStates.Keys.Union(states.Keys).Order(StringComparer.Ordinal))
            {
                if (firstStates.GetValueOrDefault(key) != states.GetValueOrDefault(key))
                {
                    problems.Add($"key {key} differs: {first.Id}={Describe(first, key)} {node.Id}={Describe(node, key)}");
                }
            }
        }
    }

    private static void CheckFinalStates(History history, IReadOnlyList<SimNode> nodes, StoreOptions options, List<string> problems)
    {
        var byKey = history.Writes.Where(w => w.Outcome == WriteOutcome.Acked).GroupBy(w => w.Key);
        var failedValues = history.Writes.Where(w => w.Outcome != WriteOutcome.Acked && w.Value is not null).Select(w => w.Value).ToHashSet();
        foreach (var node in nodes)
        {
            foreach (var state in node.Storage.LoadAll())
            {
                foreach (var s in state.LiveValues.Where(s => failedValues.Contains(s.Value)))
                {
                    problems.Add($"{node.Id} {state.Key}: value {s.Value} of an unacknowledged write is present");
                }
            }
        }

        foreach (var group in byKey)
        {
            var expected = Expected([.. group], options.PolicyFor(group.Key));
            foreach (var node in nodes)
            {
                var actual = node.Storage.Load(group.Key)?.LiveValues.Select(s => (s.Dot, s.Value)).OrderBy(x => x.Dot).ToList() ?? [];
                if (!actual.SequenceEqual(expected))
                {
                    problems.Add($"{node.Id} {group.Key}: holds [{string.Join(", ", actual)}], expected [{string.Join(", ", expected)}]; writes: {string.Join("; ", group)}");
                }
            }
        }
    }

    private static void CheckReads(History history, List<string> problems)
    {
        var written = history.Writes.Where(w => w.Outcome == WriteOutcome.Acked && w.Value is not null)
            .ToDictionary(w => (w.Key, w.Dot), w => w.Value!);
        foreach (var read in history.Reads)
        {
            foreach (var (dot, value) in read.Values)
            {
                if (!written.TryGetValue((read.Key, dot), out var expected) || expected != value)
                {
                    problems.Add($"read at {read.Node} of {read.Key} returned {dot}={value}, which no acknowledged write wrote");
                }
            }

            if (history.Writes.Any(w => w.Key == read.Key && w.Value is null && w.AckedAt < read.At))
            {
                continue; // the key may have been purged since, and a purge forgets its history
            }

            foreach (var w in history.Writes.Where(w => w.Node == read.Node && w.Key == read.Key && w.AckedAt < read.At))
            {
                if (!read.Context.Contains(w.Dot))
                {
                    problems.Add($"read at {read.Node} of {read.Key} forgot {w} acknowledged there before");
                }
            }
        }
    }

    private static Dictionary<string, string> Encoded(SimNode node) =>
        node.Storage.LoadAll().ToDictionary(s => s.Key, s => Convert.ToHexString(KeyStateCodec.Encode(s)), StringComparer.Ordinal);

    private static string Describe(SimNode node, string key) =>
        node.Storage.Load(key) is { } s ? $"{{{string.Join(",", s.Siblings.Select(x => $"{x.Dot}/{x.Seq}={x.Value ?? "†"} past {x.Past}"))} ctx {s.Context}}}" : "<none>";
}
