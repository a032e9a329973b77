namespace EdgeSync.Agent.Tests.Process;

[CollectionDefinition(Name)]
public sealed class AgentCollection : ICollectionFixture<AgentFixture>
{
    public const string Name = "agent";
}
