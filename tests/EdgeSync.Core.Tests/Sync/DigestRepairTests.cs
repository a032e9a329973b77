using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;
using Microsoft.Extensions.Time.Testing;

namespace EdgeSync.Core.Tests.Sync;

/// <summary>
/// The Merkle path's bucket exchange: the context check (the peer skips states the requester has
/// seen), its per-bucket budget for a requester whose store disagrees with its applied set, and
/// the reply-once rule for repair states. Pushes are dropped so only the digest check repairs.
/// </summary>
public sealed class DigestRepairTests : IDisposable
{
    private static readonly string[] Members = ["a", "b"];
    private static readonly SyncOptions Options = new() { DigestCheck = false, PurgeTombstones = false };
    private readonly FakeTimeProvider _time = new();
    private readonly LoopbackNetwork _network = new();
    private readonly List<EngineNode> _nodes = [];

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }
    }

    [Fact]
    public void ThePeerDoesNotSendBackItsOldCopiesOfKeysTheRequesterChanged()
    {
        var (a, b) = SharedPair(50);
        for (var i = 0; i < 5; i++)
        {
            a.Put($"k{i}", "\"from a\"");
            b.Put($"k{i + 10}", "\"from b\"");
        }

        var checks = Converge(a, b);

        Assert.Equal(1, checks);
        Assert.Equal("\"from b\"", a.ValueOf("k14"));
        Assert.Equal("\"from a\"", b.ValueOf("k4"));

        // b sends its 5 new states, a its 5; neither sends an old copy, nobody needs a reply.
        Assert.Equal(5, _network.Sent.OfType<BucketResponse>().Sum(r => r.States.Count));
        Assert.Equal(5, _network.Sent.OfType<StatesResponse>().Sum(r => r.States.Count));
        Assert.DoesNotContain(_network.Sent.OfType<StatesResponse>(), r => r.IsReply);
    }

    [Fact]
    public void ConcurrentChangesOfOneKeyEndAsSiblingsOnBothSides()
    {
        var (a, b) = SharedPair(20);
        a.Put("k3", "\"from a\"");
        b.Put("k3", "\"from b\"");

        Assert.Equal(1, Converge(a, b));

        foreach (var node in new[] { a, b })
        {
            var values = node.Replica.Get("k3").Values.Select(v => v.Value).Order(StringComparer.Ordinal);
            Assert.Equal(["\"from a\"", "\"from b\""], values);
        }
    }

    [Fact]
    public void AKeyLostFromTheRequestersStoreComesBackThoughItsAppliedSetClaimsIt()
    {
        // a loses "lost" while its applied set still covers it, and changes another key of the
        // same bucket: b then holds two states a has (per its applied set) seen, against one
        // unmatched fingerprint of a, so b may skip only one of them.
        var lost = "lost";
        var neighbour = KeyInBucketOf(lost);
        var storageA = new InMemoryReplicaStorage();
        var a = Node("a", storageA);
        var b = Node("b");
        a.Put(lost, "\"kept by b\"");
        a.Put(neighbour, "\"old\"");
        a.Put("elsewhere", "\"same\"");
        _network.DeliverAll();
        _network.Drop = (_, m) => m is PushMessage;
        a.Put(neighbour, "\"new\"");

        a.Dispose();
        _nodes.Remove(a);
        storageA.Remove(lost);
        storageA.Commit();
        a = Node("a", storageA);
        Assert.Null(a.ValueOf(lost));
        Assert.True(a.Replica.Applied.Contains(b.Replica.Load(lost)!.Siblings[0].Update));

        var checks = Converge(a, b);

        Assert.InRange(checks, 1, 2);
        Assert.Equal("\"kept by b\"", a.ValueOf(lost));
        Assert.Equal("\"new\"", b.ValueOf(neighbour));
        Assert.InRange(_network.Sent.OfType<BucketResponse>().Sum(r => r.States.Count), 1, 2);
    }

    [Fact]
    public void AStaleRestoredStateIsAnsweredOnceWithTheMergedState()
    {
        // a's store is restored to an old copy of k while its applied set covers b's newer write:
        // b skips its state (a has "seen" it), merges a's old one, still differs and replies once.
        var storageA = new InMemoryReplicaStorage();
        var a = Node("a", storageA);
        var b = Node("b");
        a.Put("k", "\"v1\"");
        _network.DeliverAll();
        var old = a.Replica.Load("k")!;
        b.Put("k", "\"v2\"");
        _network.DeliverAll();
        Assert.Equal("\"v2\"", a.ValueOf("k"));

        a.Dispose();
        _nodes.Remove(a);
        storageA.Save(old);
        storageA.Commit();
        a = Node("a", storageA);
        _network.Drop = (_, m) => m is PushMessage;

        Assert.Equal(1, Converge(a, b));

        Assert.Equal("\"v2\"", a.ValueOf("k"));
        Assert.Empty(_network.Sent.OfType<BucketResponse>().SelectMany(r => r.States));
        var replies = _network.Sent.OfType<StatesResponse>().Where(r => r.IsReply).ToList();
        Assert.Equal("b", Assert.Single(replies).Sender);
        Assert.Equal(0, _network.DeliverAll()); // nothing left in flight: the reply was not answered
    }

    [Fact]
    public async Task ARepairReplyIsNeverAnswered()
    {
        var (a, b) = SharedPair(5);
        var old = a.Replica.Load("k1")!;
        b.Put("k1", "\"newer\"");
        _network.Sent.Clear();

        // b holds the newer state; a reply carrying the stale copy is merged but not answered,
        // while the same states as a first hop get the merged state back.
        await b.Engine.HandleAsync(new StatesResponse("test", "a", [old], a.Replica.Applied.ToBaseVector(), IsReply: true));
        Assert.Empty(_network.Sent);
        await b.Engine.HandleAsync(new StatesResponse("test", "a", [old], a.Replica.Applied.ToBaseVector()));
        var reply = Assert.IsType<StatesResponse>(Assert.Single(_network.Sent));
        Assert.True(reply.IsReply);
        Assert.Equal("\"newer\"", reply.States.Single().Siblings.Single().Value);
    }

    [Fact]
    public void SeenByNeedsEveryVersionCovered()
    {
        var (a, b) = SharedPair(1);
        a.Put("k0", "\"a\"");
        b.Put("k0", "\"b\"");
        Converge(a, b);
        var both = a.Replica.Load("k0")!;
        Assert.Equal(2, both.Siblings.Length);

        Assert.True(SyncEngine.SeenBy(a.Replica.Applied.ToBaseVector(), both));
        Assert.False(SyncEngine.SeenBy(VersionVector.Parse("a:2"), both));
        Assert.False(SyncEngine.SeenBy(a.Replica.Applied.ToBaseVector(), KeyState.Empty("k0")));
    }

    /// <summary>Two replicas sharing keys k0..k{n-1}; afterwards pushes are lost and the log is clear.</summary>
    private (EngineNode A, EngineNode B) SharedPair(int keys)
    {
        var a = Node("a");
        var b = Node("b");
        for (var i = 0; i < keys; i++)
        {
            a.Put($"k{i}", $"{i}");
        }

        _network.DeliverAll();
        Assert.Equal(a.Replica.Tree.Root, b.Replica.Tree.Root);
        _network.Drop = (_, m) => m is PushMessage;
        _network.Sent.Clear();
        return (a, b);
    }

    /// <summary>Digest checks from a until the roots match; returns how many it took.</summary>
    private int Converge(EngineNode a, EngineNode b)
    {
        _network.Sent.Clear();
        for (var check = 1; check <= 5; check++)
        {
            a.Engine.StartDigest("b");
            _network.DeliverAll();
            if (a.Replica.Tree.Root == b.Replica.Tree.Root)
            {
                return check;
            }
        }

        Assert.Fail("The digest checks did not converge.");
        return 0;
    }

    private static string KeyInBucketOf(string key)
    {
        var bucket = MerkleTree.BucketOf(key);
        return Enumerable.Range(0, 1_000_000).Select(i => $"n{i}").First(k => MerkleTree.BucketOf(k) == bucket);
    }

    private EngineNode Node(string id, InMemoryReplicaStorage? storage = null)
    {
        var node = new EngineNode(id, _network, _time, Options, Members, storage);
        _nodes.Add(node);
        return node;
    }
}
