using EdgeSync.Agent.Hosting;

namespace EdgeSync.Agent.Http;

/// <summary>The consistency level a request actually reached, and how many members took part (self included).</summary>
public sealed record Reach(ConsistencyLevel Level, int Replicas)
{
    public static Reach Of(int replicas, int members) => new(FleetCoordinator.Reached(replicas, members), replicas);
}
