using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;
using EdgeSync.Core.Tests.Clocks;

namespace EdgeSync.Core.Tests.Store;

/// <summary>A replica with its storage and wall clock, so tests can crash and reopen it.</summary>
public sealed class Node
{
    public static readonly DateTimeOffset Today = new(2026, 11, 27, 4, 0, 0, TimeSpan.Zero);

    public Node(string id, StoreOptions? options = null, SettableTimeProvider? time = null)
    {
        Id = id;
        Options = options ?? new StoreOptions();
        Time = time ?? new SettableTimeProvider(Today);
        Replica = new Replica(id, Storage, Options, Time);
    }

    public string Id { get; }

    public StoreOptions Options { get; }

    public SettableTimeProvider Time { get; }

    public InMemoryReplicaStorage Storage { get; } = new();

    public Replica Replica { get; private set; }

    /// <summary>kill -9: uncommitted changes vanish, then the process starts again on the same storage.</summary>
    public Replica CrashAndReopen()
    {
        Storage.Crash();
        Replica = new Replica(Id, Storage, Options, Time);
        return Replica;
    }

    public KeyState Put(string key, string json, DotSet? context = null)
    {
        var result = Replica.Put(key, json, context);
        Assert.True(result.Ok, result.Message);
        Replica.Commit();
        return result.State!;
    }

    public KeyState Delete(string key, DotSet? context = null)
    {
        var result = Replica.Delete(key, context);
        Assert.True(result.Ok, result.Message);
        Replica.Commit();
        return result.State!;
    }

    public ApplyOutcome Receive(KeyState state, bool repair = false)
    {
        var outcome = Replica.Apply(state, repair);
        Replica.Commit();
        return outcome;
    }

    public string[] Values(string key) => [.. Replica.Get(key).Values.Select(v => v.Value!)];

    public VersionVector AppliedBase => Replica.Applied.ToBaseVector();
}
