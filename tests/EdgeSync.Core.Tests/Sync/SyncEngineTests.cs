using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;
using Microsoft.Extensions.Time.Testing;

namespace EdgeSync.Core.Tests.Sync;

public sealed class SyncEngineTests : IDisposable
{
    private static readonly string[] Members = ["a", "b"];
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
    public void ACommittedLocalWriteIsPushedToPeersAtOnce()
    {
        var (a, b) = Pair(new SyncOptions());
        a.Put("k", "1");
        Assert.Equal(1, a.Engine.Stats.PushesSent);
        _network.DeliverAll();
        Assert.Equal("1", b.ValueOf("k"));
    }

    [Fact]
    public async Task APushTheStoreRefusesIsCountedAsAnErrorNotThrown()
    {
        var source = new Replica("a", new InMemoryReplicaStorage(), new StoreOptions(), _time);
        var state = source.Put("k", "1", null).State!;
        var access = new FailedStoreAccess(new Replica("b", new InMemoryReplicaStorage(), new StoreOptions(), _time));
        using var engine = new SyncEngine("b", "test", new SyncOptions(), access, _network.Attach("b"), () => Members, _time, new Random(7));

        await engine.HandleAsync(new PushMessage("test", "a", state));

        Assert.Equal(1, access.Refused);
        Assert.Equal(1, engine.Stats.Errors);
    }

    [Fact]
    public async Task OneCommittedBatchIsOnePushCarryingEveryLocalWriteInIt()
    {
        var (a, b) = Pair(new SyncOptions());
        _network.Sent.Clear();
        await a.Access.WriteAsync(r =>
        {
            r.Put("k1", "1", null);
            r.Put("k2", "2", null);
            return r.Delete("k1", null);
        });

        var push = Assert.Single(_network.Sent.OfType<PushMessage>());
        Assert.Equal(["k1", "k2", "k1"], push.States.Select(s => s.Key));
        Assert.Equal(3, a.Engine.Stats.PushesSent);
        Assert.Equal(1, a.Engine.Stats.PushMessagesSent);
        _network.DeliverAll();
        Assert.Null(b.ValueOf("k1"));
        Assert.Equal("2", b.ValueOf("k2"));
        Assert.Equal(a.Replica.Tree.Root, b.Replica.Tree.Root);
    }

    [Fact]
    public async Task ABatchLargerThanTheLimitIsSplitAcrossPushes()
    {
        var (a, b) = Pair(new SyncOptions { MaxBatchBytes = 1024 });
        _network.Sent.Clear();
        var value = "\"" + new string('x', 300) + "\"";
        await a.Access.WriteAsync(r =>
        {
            for (var i = 0; i < 10; i++)
            {
                r.Put($"big/{i}", value, null);
            }

            return 0;
        });

        var pushes = _network.Sent.OfType<PushMessage>().ToList();
        Assert.True(pushes.Count > 1, $"{pushes.Count} push(es) for ~3.5 KB at a 1 KB limit");
        Assert.Equal(10, pushes.Sum(p => p.States.Count));
        Assert.All(pushes.Where(p => p.States.Count > 1), p => Assert.True(p.States.Sum(s => s.ApproximateBytes) <= 1024));
        _network.DeliverAll();
        Assert.Equal(a.Replica.Tree.Root, b.Replica.Tree.Root);
    }

    [Theory]
    [InlineData(true, 1)] // only k1, which also holds b's update
    [InlineData(false, 3)] // re-seeding a lost store: a's own writes come back too
    public async Task APeerSkipsTheRequestersOwnUpdatesWhenItHoldsThemAll(bool holdsOwn, int expected)
    {
        var (a, b) = Pair(new SyncOptions { DigestCheck = false });
        var before = a.Replica.Applied.Clone(); // a asks with this, then writes before the answer
        a.Put("k1", "1");
        a.Put("k2", "2");
        a.Put("k3", "3");
        _network.DeliverAll();
        b.Put("k1", "\"b\""); // k1 now also holds an update a lacks
        _network.Drop = (_, m) => m is PushMessage;
        _network.Sent.Clear();

        await b.Engine.HandleAsync(new DeltaRequest("test", "a", 1, before, holdsOwn));

        var response = Assert.Single(_network.Sent.OfType<DeltaResponse>());
        Assert.Equal(expected, response.States.Count);
        Assert.Contains(response.States, s => s.Key == "k1");
        Assert.NotNull(response.Coverage); // complete: a may adopt b's applied set (a holds its own updates)
    }

    [Fact]
    public void DeltaSyncSendsOnlyTheMissingStatesBothWays()
    {
        var (a, b) = Pair(new SyncOptions { DigestCheck = false });
        for (var i = 0; i < 500; i++)
        {
            a.Put($"shared/{i}", "0");
        }

        _network.DeliverAll();
        _network.Drop = (_, m) => m is PushMessage; // pushes lost: only anti-entropy can repair
        for (var i = 0; i < 5; i++)
        {
            a.Put($"a/{i}", "1");
            b.Put($"b/{i}", "2");
        }

        _network.Sent.Clear();
        a.Engine.RunRound();
        _network.DeliverAll();

        var shipped = _network.Sent.OfType<DeltaResponse>().Sum(r => r.States.Count);
        Assert.Equal(10, shipped);
        Assert.Equal(a.Replica.Tree.Root, b.Replica.Tree.Root);
        Assert.True(a.Replica.Applied.Equals(b.Replica.Applied));
        Assert.Equal("2", a.ValueOf("b/4"));
        Assert.Equal("1", b.ValueOf("a/4"));
    }

    [Fact]
    public void PartialBatchesContinueUntilComplete()
    {
        var (a, b) = Pair(new SyncOptions { MaxBatchBytes = 1024, DigestCheck = false });
        _network.Drop = (_, m) => m is PushMessage;
        for (var i = 0; i < 200; i++)
        {
            a.Put($"k{i}", "{\"v\":\"some value of moderate size\"}");
        }

        b.Engine.RunRound();
        _network.DeliverAll();

        Assert.True(_network.Sent.OfType<DeltaResponse>().Count() > 5, "expected several partial batches");
        Assert.Equal(a.Replica.Tree.Root, b.Replica.Tree.Root);
        Assert.True(b.Replica.Applied.ContainsAll(a.Replica.Applied));
    }

    [Fact]
    public void TheMerkleCheckRepairsWhatTheDeltaPathCannotSee()
    {
        var storageB = new InMemoryReplicaStorage();
        var (a, b) = Pair(new SyncOptions(), storageB);
        for (var i = 0; i < 100; i++)
        {
            a.Put($"k{i}", $"{i}");
        }

        _network.DeliverAll();
        Assert.Equal(a.Replica.Tree.Root, b.Replica.Tree.Root);

        // A record vanishes from b's disk (restored backup, bit rot) while b's applied set still
        // claims it: the delta path has nothing to send, only the digest check can notice.
        b.Dispose();
        _nodes.Remove(b);
        storageB.Remove("k42");
        storageB.Commit();
        var b2 = Node("b", new SyncOptions(), storageB);
        Assert.Null(b2.ValueOf("k42"));

        b2.Engine.RunRound();
        _network.DeliverAll();

        Assert.Equal("42", b2.ValueOf("k42"));
        Assert.Equal(a.Replica.Tree.Root, b2.Replica.Tree.Root);
        Assert.True(b2.Engine.Stats.DigestDescents >= 3);
        var repaired = _network.Sent.OfType<BucketResponse>().Sum(r => r.States.Count) + _network.Sent.OfType<StatesResponse>().Sum(s => s.States.Count);
        Assert.InRange(repaired, 1, 2);
    }

    [Fact]
    public void RoundsRunOnTheTimerOfTheInjectedClock()
    {
        var (a, _) = Pair(new SyncOptions { AntiEntropyInterval = TimeSpan.FromSeconds(5) });
        Assert.Equal(0, a.Engine.Stats.Rounds);
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(0, a.Engine.Stats.Rounds);
        _time.Advance(TimeSpan.FromSeconds(2)); // 6 s: past the interval even with +10% jitter
        Assert.Equal(1, a.Engine.Stats.Rounds);
    }

    [Fact]
    public void AntiEntropyIsRateLimitedByTheInjectedClock()
    {
        var (a, b) = Pair(new SyncOptions { MaxBytesPerSecond = 2_000, DigestCheck = false });
        _network.Drop = (_, m) => m is PushMessage;
        for (var i = 0; i < 100; i++)
        {
            a.Put($"k{i}", "\"a value that takes some room on the wire\"");
        }

        b.Engine.RunRound();
        _network.DeliverAll();
        Assert.NotEqual(a.Replica.Tree.Root, b.Replica.Tree.Root);
        Assert.True(a.Engine.Stats.RateLimited > 0);

        for (var second = 0; second < 60 && a.Replica.Tree.Root != b.Replica.Tree.Root; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            b.Engine.RunRound();
            _network.DeliverAll();
        }

        Assert.Equal(a.Replica.Tree.Root, b.Replica.Tree.Root);
    }

    [Fact]
    public async Task MessagesFromOtherFleetsOrStrangersAreIgnored()
    {
        var (a, b) = Pair(new SyncOptions());
        b.Put("k", "1");
        var pushed = b.Replica.Load("k")!;
        _network.DeliverAll();
        a.Delete("k");
        var before = a.Replica.Tree.Root;

        await a.Engine.HandleAsync(new PushMessage("other-fleet", "b", pushed));
        await a.Engine.HandleAsync(new PushMessage("test", "mallory", pushed));

        Assert.Equal(before, a.Replica.Tree.Root);
        Assert.Equal(2, a.Engine.Stats.Ignored);
    }

    [Fact]
    public void StableTombstonesArePurgedOnceEveryMemberHasThem()
    {
        var (a, b) = Pair(new SyncOptions { DigestCheck = false });
        a.Put("k", "1");
        _network.DeliverAll();
        a.Delete("k");
        _network.DeliverAll();
        Assert.True(b.Replica.Load("k")!.IsDeleted);

        a.Engine.RunRound();
        _network.DeliverAll();
        b.Engine.RunRound();
        _network.DeliverAll();

        Assert.Null(a.Replica.Load("k"));
        Assert.Null(b.Replica.Load("k"));
        Assert.Equal(a.Replica.Tree.Root, b.Replica.Tree.Root);
    }

    private (EngineNode A, EngineNode B) Pair(SyncOptions options, InMemoryReplicaStorage? storageB = null) =>
        (Node("a", options), Node("b", options, storageB));

    private EngineNode Node(string id, SyncOptions options, InMemoryReplicaStorage? storage = null)
    {
        var node = new EngineNode(id, _network, _time, options, Members, storage);
        _nodes.Add(node);
        return node;
    }
}
