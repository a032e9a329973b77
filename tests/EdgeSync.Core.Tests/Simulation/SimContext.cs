using EdgeSync.Core.Store;
using EdgeSync.Core.Sync;

namespace EdgeSync.Core.Tests.Simulation;

/// <summary>What every simulated node shares: the clock, the network, the seeded chance, the settings.</summary>
public sealed class SimContext
{
    public SimContext(int seed)
    {
        Random = new Random(seed);
        Trace = new SimTrace();
        Scheduler = new SimScheduler();
        Network = new SimNetwork(Scheduler, new Random(Random.Next()), Trace);
    }

    public string Fleet { get; } = "sim";

    public Random Random { get; }

    public SimTrace Trace { get; }

    public SimScheduler Scheduler { get; }

    public SimNetwork Network { get; }

    public IReadOnlyCollection<string> Members { get; set; } = [];

    public double MidBatchCrashRate { get; set; }

    public StoreOptions StoreOptions { get; set; } = new();

    public SyncOptions SyncOptions { get; set; } = new();
}
