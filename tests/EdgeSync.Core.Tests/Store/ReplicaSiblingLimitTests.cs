using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Core.Tests.Store;

public class ReplicaSiblingLimitTests
{
    private static readonly StoreOptions Options = new()
    {
        MaxSiblings = 3,
        ConflictPolicies = new Dictionary<string, ConflictPolicy> { ["lww/"] = ConflictPolicy.Lww },
    };

    /// <summary>Node a holding three concurrent versions of <paramref name="key"/> (written on b, c and d).</summary>
    private static (Node A, KeyState[] Writes) AtTheBound(string key = "k")
    {
        var a = new Node("a", Options);
        var writes = new[] { "b", "c", "d" }.Select(id => new Node(id, Options).Put(key, $"\"{id}\"")).ToArray();
        foreach (var w in writes)
        {
            Assert.Equal(ApplyOutcome.Changed, a.Receive(w));
        }

        return (a, writes);
    }

    [Fact]
    public void A_local_write_that_does_not_resolve_the_siblings_is_refused_at_the_bound()
    {
        var (a, _) = AtTheBound();
        Assert.Equal(3, a.Replica.Get("k").Values.Count);
        var before = KeyStateCodec.Encode(a.Replica.Load("k")!);
        var result = a.Replica.Put("k", "\"mine\"", new DotSet());
        Assert.Equal(WriteStatus.TooManySiblings, result.Status);
        Assert.Contains("Store:MaxSiblings", result.Message, StringComparison.Ordinal);
        Assert.Null(result.State);
        Assert.Equal(before, KeyStateCodec.Encode(a.Replica.Load("k")!));
        Assert.Equal(0, a.Replica.Stats.LocalWrites);
        Assert.Equal(0, a.Replica.Applied.MaxOf("a"));

        // A delete is a write too: with a context that resolves nothing it is refused as well.
        Assert.Equal(WriteStatus.TooManySiblings, a.Replica.Delete("k", new DotSet()).Status);
    }

    [Fact]
    public void A_write_that_resolves_one_sibling_stays_within_the_bound()
    {
        var (a, writes) = AtTheBound();
        var result = a.Replica.Put("k", "\"mine\"", writes[0].Context);
        Assert.True(result.Ok, result.Message);
        Assert.Equal(["\"c\"", "\"d\"", "\"mine\""], a.Values("k").Order());
    }

    [Fact]
    public void A_write_with_the_merged_context_is_accepted_and_resolves_them_all()
    {
        var (a, _) = AtTheBound();
        var read = a.Replica.Get("k");
        Assert.True(read.Conflict);
        var token = read.Context.Encode();
        Assert.True(DotSet.TryDecode(token, out var context));
        var result = a.Replica.Put("k", "\"merged\"", context);
        Assert.True(result.Ok, result.Message);
        Assert.Equal(["\"merged\""], a.Values("k"));
        Assert.False(a.Replica.Get("k").Conflict);
    }

    [Fact]
    public void A_write_without_context_resolves_what_the_node_holds()
    {
        var (a, _) = AtTheBound();
        Assert.True(a.Replica.Put("k", "\"mine\"", null).Ok);
        Assert.Equal(["\"mine\""], a.Values("k"));
    }

    [Fact]
    public void Replicated_siblings_beyond_the_bound_are_kept_and_counted()
    {
        var (a, _) = AtTheBound();
        var changes = new List<ReplicaChange>();
        a.Replica.Changed += changes.Add;
        var fourth = new Node("e", Options).Put("k", "\"e\"");
        Assert.Equal(ApplyOutcome.Changed, a.Receive(fourth));
        Assert.Equal(["\"b\"", "\"c\"", "\"d\"", "\"e\""], a.Values("k").Order());
        Assert.Equal(1, a.Replica.Stats.SiblingOverflows);
        Assert.Equal(1, Assert.Single(changes).NewSiblings);
        Assert.Equal(3, a.Replica.Stats.SiblingsCreated); // b+c made one new sibling, then d, then e
    }

    [Fact]
    public void Lww_keys_are_never_refused_and_keep_one_value()
    {
        var (a, _) = AtTheBound("lww/k");
        Assert.Equal(["\"d\""], a.Values("lww/k")); // same timestamp on b, c and d: the highest node id wins
        Assert.True(a.Replica.Put("lww/k", "\"mine\"", new DotSet()).Ok);
        Assert.Equal(["\"mine\""], a.Values("lww/k"));
        Assert.Equal(0, a.Replica.Stats.SiblingOverflows);
    }
}
