using System.Collections.Immutable;
using CsCheck;
using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Core.Tests.Store;

/// <summary>
/// Runs a generated history of one key on three simulated nodes with the pure
/// <see cref="KeyStateOps"/> rules, the way <see cref="Replica"/> drives them, and records every
/// state that ever existed (the snapshots, any of which may be delivered late or twice) and
/// every write with the context it superseded.
/// </summary>
public sealed class KeyHistory
{
    public const string Key = "k";

    public static readonly string[] Nodes = ["a", "b", "c"];

    private readonly long[] _seq = new long[Nodes.Length];
    private readonly HybridTimestamp[] _clock = new HybridTimestamp[Nodes.Length];

    private KeyHistory(ConflictPolicy policy, bool causalClocks)
    {
        Policy = policy;
        CausalClocks = causalClocks;
        States = [.. Nodes.Select(_ => KeyState.Empty(Key))];
        Snapshots.Add(KeyState.Empty(Key));
    }

    public ConflictPolicy Policy { get; }

    /// <summary>When set, a write's timestamp is after every write it supersedes, as an HLC
    /// guarantees when the node has seen them; otherwise a client may carry a context to a node
    /// whose clock never saw those writes.</summary>
    public bool CausalClocks { get; }

    public KeyState[] States { get; }

    public List<KeyState> Snapshots { get; } = [];

    /// <summary>Every write, with the client context it superseded.</summary>
    public Dictionary<Dot, (Sibling Version, DotSet Superseded)> Writes { get; } = [];

    public static Gen<HistoryStep[]> Steps(int maxLength, int maxKind = HistoryStep.Kinds - 1) =>
        Gen.Select(Gen.Int[0, maxKind], Gen.Int[0, Nodes.Length - 1], Gen.Int[0, 10_000], Gen.Int[0, 6])
            .Select(t => new HistoryStep(t.Item1, t.Item2, t.Item3, t.Item4))
            .Array[1, maxLength];

    public static KeyHistory Run(IEnumerable<HistoryStep> steps, ConflictPolicy policy, bool causalClocks = true)
    {
        var history = new KeyHistory(policy, causalClocks);
        foreach (var step in steps)
        {
            history.Step(step);
        }

        return history;
    }

    public KeyState Pick(int index) => Snapshots[index % Snapshots.Count];

    public KeyState MergeAll(IEnumerable<KeyState> states) =>
        states.Aggregate(KeyState.Empty(Key), (acc, s) => KeyStateOps.Merge(acc, s, Policy));

    /// <summary>Writes no other write superseded: what must survive once everything is delivered.</summary>
    public IEnumerable<Sibling> Maximal() =>
        Writes.Values.Where(w => !Writes.Values.Any(o => o.Superseded.Contains(w.Version.Dot))).Select(w => w.Version);

    private void Step(HistoryStep step)
    {
        var n = step.Node;
        var local = States[n];
        var value = $"\"{Nodes[n]}{_seq[n] + 1}\"";
        States[n] = step.Kind switch
        {
            0 or 1 or 2 => Write(n, local.Context, value, step.Wall),
            3 => Write(n, new DotSet(), value, step.Wall),
            HistoryStep.ClientContextWrite => Write(n, Pick(step.Pick).Context, value, step.Wall),
            5 => Write(n, local.Context, null, step.Wall),
            _ => Deliver(n, Pick(step.Pick)),
        };
        Snapshots.Add(States[n]);
    }

    private KeyState Write(int n, DotSet clientContext, string? value, int wall)
    {
        var local = States[n];
        var node = Nodes[n];
        var floor = _clock[n];
        if (CausalClocks)
        {
            foreach (var (dot, w) in Writes)
            {
                if (clientContext.Contains(dot))
                {
                    floor = HybridTimestamp.Max(floor, w.Version.Timestamp);
                }
            }
        }

        // The hybrid clock rule: the wall clock if it is ahead, else one logical tick.
        var ts = wall > floor.WallMs ? new HybridTimestamp(wall, 0) : floor with { Logical = floor.Logical + 1 };
        _clock[n] = ts;
        _seq[n]++;
        var fresh = new Sibling(new Dot(node, local.Context.MaxOf(node) + 1), _seq[n], ts, value, VersionVector.Empty);
        Writes[fresh.Dot] = (fresh, clientContext.Clone());
        return KeyStateOps.Write(local, clientContext, fresh, Policy);
    }

    private KeyState Deliver(int n, KeyState remote)
    {
        _clock[n] = HybridTimestamp.Max(_clock[n], remote.MaxTimestamp);
        return KeyStateOps.Merge(States[n], remote, Policy);
    }

    public static Sibling LwwMax(IEnumerable<Sibling> versions) =>
        versions.Aggregate((best, s) => Sibling.CompareForLww(s, best) > 0 ? s : best);

    public static ImmutableArray<Dot> DotsOf(KeyState state) => [.. state.Siblings.Select(s => s.Dot)];
}
