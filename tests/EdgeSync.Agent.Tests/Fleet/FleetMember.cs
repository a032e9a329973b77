using EdgeSync.Agent.Emulation;
using EdgeSync.Agent.Tests.Process;
using EdgeSync.Agent.Tests.Support;

namespace EdgeSync.Agent.Tests.Fleet;

/// <summary>One agent of a test fleet, with its own cable (a TCP proxy to the broker) and data dir.</summary>
public sealed class FleetMember(string id, AgentProcess agent, Cable cable, TempDir dir) : IAsyncDisposable
{
    public string Id { get; } = id;
    public AgentProcess Agent { get; } = agent;
    public Cable Cable { get; } = cable;
    public FleetApi Api { get; } = new(agent.Http);

    public override string ToString() => Id;

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        await Cable.DisposeAsync();
        dir.Dispose();
    }
}
