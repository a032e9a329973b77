namespace EdgeSync.Agent.Tests.Fleet;

/// <summary>Multi-process fleet tests run one at a time: each starts three agents and a broker, and the
/// leader test measures timings that a second fleet on the same two cores would distort.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FleetCollection
{
    public const string Name = "fleet";
}
