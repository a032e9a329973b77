using EdgeSync.Agent.Emulation;
using EdgeSync.Agent.Tests.Process;
using EdgeSync.Agent.Tests.Support;

namespace EdgeSync.Agent.Tests.Fleet;

/// <summary>
/// One agent of a test fleet, with its own cable (a TCP proxy to the broker) and data dir. The agent
/// can be replaced by a restarted one on the same data dir and cable (see <see cref="FleetRig.RestartAsync"/>).
/// </summary>
public sealed class FleetMember(string id, AgentProcess agent, Cable cable, TempDir dir) : IAsyncDisposable
{
    private AgentProcess _agent = agent;

    public string Id { get; } = id;
    public AgentProcess Agent => Volatile.Read(ref _agent);
    public Cable Cable { get; } = cable;
    public FleetApi Api => new(Agent.Http);

    public override string ToString() => Id;

    /// <summary>Takes a restarted agent in place of the current one, which must have exited.</summary>
    internal async Task ReplaceAsync(AgentProcess restarted)
    {
        var old = Interlocked.Exchange(ref _agent, restarted);
        await old.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        await Cable.DisposeAsync();
        dir.Dispose();
    }
}
