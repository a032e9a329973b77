using CsCheck;
using EdgeSync.Core.Store;
using EdgeSync.Core.Tests.Clocks;

namespace EdgeSync.Core.Tests.Store;

/// <summary>
/// A client may read a key on one node and write it back, with that context, on another node
/// that has not yet received what it read and whose clock is behind. Under LWW the highest
/// timestamp must still win everywhere, and no write may vanish.
/// </summary>
public class LwwCrossNodeContextTests
{
    private static readonly StoreOptions Options = new()
    {
        ConflictPolicies = new Dictionary<string, ConflictPolicy> { ["lww/"] = ConflictPolicy.Lww },
    };

    [Fact]
    public void A_context_carried_to_a_node_with_a_slow_clock_loses_no_write_and_converges()
    {
        var a = new Node("a", Options, new SettableTimeProvider(Node.Today.AddMilliseconds(100)));
        var b = new Node("b", Options, new SettableTimeProvider(Node.Today.AddMilliseconds(200)));
        var z = new Node("z", Options, new SettableTimeProvider(Node.Today)); // clock behind, has seen nothing
        var x1 = a.Put("lww/k", "\"x1\"");
        var x2 = b.Put("lww/k", "\"x2\"");
        var written = z.Put("lww/k", "\"z\"", b.Replica.Get("lww/k").Context);

        var c = new Node("c", Options);
        var d = new Node("d", Options);
        c.Receive(x1);
        c.Receive(written);
        d.Receive(x2);
        d.Receive(x1);
        d.Receive(written);
        var (fromC, fromD) = (c.Replica.Load("lww/k")!, d.Replica.Load("lww/k")!);
        c.Receive(fromD);
        d.Receive(fromC);

        // x2 holds the highest timestamp: it wins on every node, whatever they received first.
        Assert.Equal(["\"x2\""], c.Values("lww/k"));
        Assert.Equal(["\"x2\""], d.Values("lww/k"));
        Assert.Equal(c.Replica.Tree.Root, d.Replica.Tree.Root);
    }

    [Fact]
    public void Every_delivery_order_converges_on_the_highest_timestamp() =>
        KeyHistory.Steps(30).SelectMany(steps => Gen.Int.Select(seed => (steps, seed))).Sample(t =>
        {
            var h = KeyHistory.Run(t.steps, ConflictPolicy.Lww, causalClocks: false);
            var inOrder = h.MergeAll(h.Snapshots);
            var shuffled = h.Snapshots.ToArray();
            new Random(t.seed).Shuffle(shuffled);
            KeyStateMergePropertyTests.AssertEquivalent(inOrder, h.MergeAll(shuffled));
            if (h.Writes.Count > 0)
            {
                var expected = KeyHistory.LwwMax(h.Writes.Values.Select(w => w.Version));
                Assert.Equal(expected.Dot, Assert.Single(inOrder.Siblings).Dot);
            }
        }, iter: 150);
}
