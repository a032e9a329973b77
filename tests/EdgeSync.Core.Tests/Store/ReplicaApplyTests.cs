using CsCheck;
using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Core.Tests.Store;

public class ReplicaApplyTests
{
    [Fact]
    public void Applying_the_same_state_twice_changes_nothing()
    {
        var a = new Node("a");
        var b = new Node("b");
        var state = a.Put("k", "1");
        Assert.Equal(ApplyOutcome.Changed, b.Receive(state));
        var root = b.Replica.Tree.Root;
        Assert.Equal(ApplyOutcome.Unchanged, b.Receive(state));
        Assert.Equal(root, b.Replica.Tree.Root);
        Assert.Equal(1, b.Replica.Stats.RemoteApplied);
        Assert.Equal(1, b.Replica.Stats.RemoteUnchanged);
        Assert.Equal(["1"], b.Values("k"));
        Assert.True(b.Replica.Applied.Contains("a", 1));
    }

    [Fact]
    public void A_superseded_version_arriving_late_does_not_come_back()
    {
        var a = new Node("a");
        var b = new Node("b");
        var old = a.Put("k", "\"old\"");
        var newer = a.Put("k", "\"new\"");
        Assert.Equal(ApplyOutcome.Changed, b.Receive(newer));
        Assert.Equal(ApplyOutcome.Unchanged, b.Receive(old));
        Assert.Equal(["\"new\""], b.Values("k"));
        Assert.True(b.Replica.Applied.Contains("a", 1));
        Assert.True(b.Replica.Applied.Contains("a", 2));
    }

    [Fact]
    public void Concurrent_versions_become_siblings_and_are_reported()
    {
        var a = new Node("a");
        var b = new Node("b");
        b.Put("k", "\"b\"");
        var changes = new List<ReplicaChange>();
        b.Replica.Changed += changes.Add;
        Assert.Equal(ApplyOutcome.Changed, b.Receive(a.Put("k", "\"a\"")));
        Assert.Equal(["\"a\"", "\"b\""], b.Values("k").Order());
        var change = Assert.Single(changes);
        Assert.Equal(ChangeKind.Replicated, change.Kind);
        Assert.Equal(1, change.NewSiblings);
        Assert.Equal(1, b.Replica.Stats.SiblingsCreated);
    }

    [Fact]
    public void Applying_a_state_from_a_clock_far_ahead_moves_the_local_clock_past_it()
    {
        var ahead = new Node("a", time: new Clocks.SettableTimeProvider(Node.Today.AddHours(5)));
        var b = new Node("b", time: new Clocks.SettableTimeProvider(DateTimeOffset.UnixEpoch));
        var remote = ahead.Put("k", "1");
        b.Receive(remote);
        var local = b.Put("k", "2");
        Assert.True(local.Siblings[0].Timestamp > remote.Siblings[0].Timestamp);
    }

    /// <summary>One generated local write: on which node, which key, and how.</summary>
    private sealed record LocalOp(int Node, int Key, int Kind);

    private static readonly Gen<LocalOp[]> Ops =
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 3], Gen.Int[0, 4]).Select(t => new LocalOp(t.Item1, t.Item2, t.Item3)).Array[1, 25];

    /// <summary>Runs the writes on three nodes that also hear each other now and then; returns every state sent.</summary>
    private static List<KeyState> Produce(LocalOp[] ops, StoreOptions options)
    {
        var nodes = new[] { new Node("a", options), new Node("b", options), new Node("c", options) };
        var sent = new List<KeyState>();
        foreach (var op in ops)
        {
            var node = nodes[op.Node];
            var key = op.Key == 3 ? "lww/k" : $"k{op.Key}";
            node.Time.Advance(1);
            var result = op.Kind switch
            {
                0 or 1 => node.Replica.Put(key, $"\"{node.Id}{sent.Count}\"", null),
                2 => node.Replica.Put(key, $"\"{node.Id}{sent.Count}\"", new DotSet()),
                3 => node.Replica.Delete(key, node.Replica.Get(key).Context),
                _ => null,
            };
            if (op.Kind == 4 && sent.Count > 0)
            {
                node.Receive(sent[(op.Node * 7 + op.Key) % sent.Count]);
            }
            else if (result is { Ok: true, State: { } state })
            {
                node.Replica.Commit();
                sent.Add(state);
            }
        }

        return sent;
    }

    private static readonly StoreOptions Options = new()
    {
        MaxSiblings = 64,
        ConflictPolicies = new Dictionary<string, ConflictPolicy> { ["lww/"] = ConflictPolicy.Lww },
    };

    [Fact]
    public void Any_order_with_duplicates_converges_to_the_same_replica() =>
        Ops.SelectMany(ops => Gen.Int.Select(seed => (ops, seed))).Sample(t =>
        {
            var sent = Produce(t.ops, Options);
            var inOrder = new Node("x", Options);
            foreach (var s in sent)
            {
                inOrder.Receive(s);
            }

            // Reordered, with every message delivered twice at random points.
            var random = new Random(t.seed);
            var shuffled = sent.Concat(sent).ToArray();
            random.Shuffle(shuffled);
            var scrambled = new Node("y", Options);
            foreach (var s in shuffled)
            {
                scrambled.Receive(s);
            }

            Assert.Equal(inOrder.Replica.Tree.Root, scrambled.Replica.Tree.Root);
            Assert.Equal(inOrder.Replica.LiveKeys, scrambled.Replica.LiveKeys);
            Assert.Equal(inOrder.Replica.Applied, scrambled.Replica.Applied);
            foreach (var key in sent.Select(s => s.Key).Distinct())
            {
                var expected = sent.Where(s => s.Key == key)
                    .Aggregate(KeyState.Empty(key), (acc, s) => KeyStateOps.Merge(acc, s, Options.PolicyFor(key)));
                KeyStateMergePropertyTests.AssertEquivalent(expected, inOrder.Replica.Load(key)!);
                KeyStateMergePropertyTests.AssertEquivalent(expected, scrambled.Replica.Load(key)!);
            }

            // Replaying everything again is a no-op.
            var applied = scrambled.Replica.Stats.RemoteApplied;
            foreach (var s in sent)
            {
                Assert.Equal(ApplyOutcome.Unchanged, scrambled.Receive(s));
            }

            Assert.Equal(applied, scrambled.Replica.Stats.RemoteApplied);
        }, iter: 60);
}
