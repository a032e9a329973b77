using EdgeSync.Agent.Config;
using EdgeSync.Agent.Hosting;
using EdgeSync.Agent.Storage;
using EdgeSync.Core.Clocks;

namespace EdgeSync.Agent.Tests.Storage;

/// <summary>
/// Which actor (origin of its own updates) a store writes under: a new one whenever the store is
/// new, the same one for the lifetime of a kept store, the node id for a store from before actors.
/// </summary>
public sealed class ReplicaActorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_new_store_gets_a_new_actor_and_keeps_it_across_restarts()
    {
        var first = ActorAfterWrite("pi-3");
        Assert.Matches("^pi-3\\.[a-z2-7]{8}$", first);
        Assert.Equal(first, ActorAfterWrite("pi-3"));
        Assert.Equal(first + "\n", File.ReadAllText(Path.Combine(_dir.Path, ReplicaActor.FileName)));
    }

    [Fact]
    public void A_wiped_store_gets_a_new_actor_even_when_the_old_actor_file_is_left_behind()
    {
        var first = ActorAfterWrite("pi-3");
        foreach (var file in Directory.GetFiles(_dir.Path).Where(f => !f.EndsWith(ReplicaActor.FileName, StringComparison.Ordinal)))
        {
            File.Delete(file);
        }

        var second = ActorAfterWrite("pi-3");
        Assert.NotEqual(first, second);
        Assert.StartsWith("pi-3.", second, StringComparison.Ordinal);
    }

    [Fact]
    public void A_store_from_before_actor_ids_keeps_writing_under_the_node_id()
    {
        ActorAfterWrite("pi-3");
        File.Delete(Path.Combine(_dir.Path, ReplicaActor.FileName)); // what an older agent left

        Assert.Equal("pi-3", ReplicaActor.Resolve(_dir.Path, "pi-3", freshStore: false));
        Assert.Equal("pi-3", ReplicaActor.Resolve(_dir.Path, "pi-3", freshStore: false));
    }

    [Fact]
    public void A_data_directory_reused_under_another_node_id_or_with_a_damaged_file_gets_a_new_actor()
    {
        var first = ReplicaActor.Resolve(_dir.Path, "pi-3", freshStore: true);
        var renamed = ReplicaActor.Resolve(_dir.Path, "pi-4", freshStore: false);
        Assert.StartsWith("pi-4.", renamed, StringComparison.Ordinal); // not plain pi-4: an old pi-4 store may have used it
        Assert.Equal(renamed, ReplicaActor.Resolve(_dir.Path, "pi-4", freshStore: false));

        File.WriteAllText(Path.Combine(_dir.Path, ReplicaActor.FileName), "pi-4.NOT/VALID\n");
        var repaired = ReplicaActor.Resolve(_dir.Path, "pi-4", freshStore: false);
        Assert.StartsWith("pi-4.", repaired, StringComparison.Ordinal);
        Assert.NotEqual(renamed, repaired);
        Assert.NotEqual(first, repaired);
    }

    [Fact]
    public void The_memory_engine_gets_a_new_actor_at_every_start()
    {
        var config = Config("mem", StoreSection.Memory);
        string a, b;
        using (var store = new AgentStore(config, TimeProvider.System))
        {
            a = store.Actor;
        }

        using (var store = new AgentStore(config, TimeProvider.System))
        {
            b = store.Actor;
        }

        Assert.NotEqual(a, b);
        Assert.False(File.Exists(Path.Combine(_dir.Path, ReplicaActor.FileName)));
    }

    [Fact]
    public void An_actor_stays_within_the_node_id_length_limit()
    {
        var longId = new string('n', NodeId.MaxLength);
        var actor = ReplicaActor.New(longId);
        Assert.True(NodeId.IsValid(actor));
        Assert.True(ReplicaActor.Belongs(actor, longId));
        Assert.False(ReplicaActor.Belongs(actor, "n"));
        Assert.False(ReplicaActor.Belongs("pi-3.abcdefgh", "pi-33"));
        Assert.True(ReplicaActor.Belongs("pi-3.abcdefgh", "pi-3"));
    }

    private string ActorAfterWrite(string node)
    {
        using var store = new AgentStore(Config(node, StoreSection.LiteDb), TimeProvider.System);
        store.Service.WriteAsync(r => r.Put("k", "1", null)).GetAwaiter().GetResult();
        return store.Actor;
    }

    private AgentConfig Config(string node, string engine)
    {
        var config = new AgentConfig
        {
            Node = new NodeSection { Id = node, DataDir = _dir.Path },
            Store = new StoreSection { Engine = engine },
        };
        config.Gpio.Driver = "none";
        return config;
    }
}
