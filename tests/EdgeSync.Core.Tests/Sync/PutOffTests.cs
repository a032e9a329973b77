using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;
using Microsoft.Extensions.Time.Testing;

namespace EdgeSync.Core.Tests.Sync;

/// <summary>
/// A node still applying pushes it received puts off anti-entropy (its own rounds, and its answers,
/// which would bring it the reverse half), so it is not sent again what waits in its own queue; at
/// most <see cref="SyncEngine.MaxPutOff"/> in a row, so a lost push is still repaired under load.
/// </summary>
public sealed class PutOffTests : IDisposable
{
    private static readonly string[] Members = ["f", "w"];
    private static readonly SyncOptions Options = new() { DigestCheck = false, PurgeTombstones = false };
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(5.5); // one round each (5 s ± 10 %)
    private readonly FakeTimeProvider _time = new();
    private readonly LoopbackNetwork _network = new();
    private readonly EngineNode _w;
    private readonly QueuedReplicaAccess _f;
    private readonly SyncEngine _fEngine;

    public PutOffTests()
    {
        _w = new EngineNode("w", _network, _time, Options, Members);
        var replica = new Replica("f", new InMemoryReplicaStorage(), new StoreOptions(), _time);
        _f = new QueuedReplicaAccess(replica);
        _fEngine = new SyncEngine("f", "test", Options, _f, _network.Attach("f"), () => Members, _time, new Random(3));
        _fEngine.Start();

        _w.Put("k", "1");
        _network.DeliverAll();
        Assert.Equal(1, _f.Waiting); // f received the push; its writer has not applied it yet
        _network.Sent.Clear();
    }

    public void Dispose()
    {
        _fEngine.Dispose();
        _w.Dispose();
    }

    [Fact]
    public void While_a_push_waits_to_be_applied_rounds_and_answers_wait_at_most_MaxPutOff_in_a_row()
    {
        for (var i = 0; i < SyncEngine.MaxPutOff; i++)
        {
            _time.Advance(Tick);
            _network.DeliverAll();
        }

        // f asked nothing; w asked, f answered "busy" (no states, no coverage), so w sent no reverse half.
        Assert.DoesNotContain(_network.Sent, m => m is DeltaRequest && m.Sender == "f");
        var answers = _network.Sent.OfType<DeltaResponse>().Where(m => m.Sender == "f").ToList();
        Assert.Equal(SyncEngine.MaxPutOff, answers.Count);
        Assert.All(answers, a => Assert.True(a.States.Count == 0 && a.Coverage is null));
        Assert.DoesNotContain(_network.Sent, m => m is DeltaResponse && m.Sender == "w");
        Assert.Equal(2 * SyncEngine.MaxPutOff, _fEngine.Stats.ExchangesPutOff);

        // The next ones go ahead although the push still waits: f asks, and answers with coverage.
        _network.Sent.Clear();
        _time.Advance(Tick);
        _network.DeliverAll();
        Assert.Contains(_network.Sent, m => m is DeltaRequest && m.Sender == "f");
        Assert.Contains(_network.Sent, m => m is DeltaResponse { Coverage: not null } && m.Sender == "f");
        Assert.Equal(2 * SyncEngine.MaxPutOff, _fEngine.Stats.ExchangesPutOff);

        _f.RunAll();
        Assert.Equal("1", _f.Read(r => r.Get("k").Values.Single().Value));
    }

    [Fact]
    public void Once_the_pushes_are_applied_the_next_round_and_answer_go_ahead()
    {
        _time.Advance(Tick);
        _network.DeliverAll();
        Assert.Equal(2, _fEngine.Stats.ExchangesPutOff);

        _f.RunAll();
        _network.Sent.Clear();
        _time.Advance(Tick);
        _network.DeliverAll();
        _f.RunAll();

        Assert.Contains(_network.Sent, m => m is DeltaRequest && m.Sender == "f");
        Assert.Contains(_network.Sent, m => m is DeltaResponse { Coverage: not null } && m.Sender == "f");
        Assert.Equal(2, _fEngine.Stats.ExchangesPutOff);
        Assert.Equal("1", _f.Read(r => r.Get("k").Values.Single().Value));
    }
}
