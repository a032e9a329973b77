using System.Diagnostics;
using System.Text.Json;
using EdgeSync.Agent.Emulation;
using EdgeSync.Agent.Tests.Process;
using EdgeSync.Agent.Tests.Support;

namespace EdgeSync.Agent.Tests.Consistency;

/// <summary>
/// Three real agents on a Mosquitto broker, each behind its own <see cref="Cable"/> (its
/// network cable), with fast heartbeats so a pulled cable shows within about a second.
/// </summary>
public sealed class ThreeNodeFleet : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly List<Cable> _cables = [];
    private readonly List<AgentProcess> _agents = [];
    private MosquittoBroker? _broker;

    public IReadOnlyList<AgentProcess> Nodes => _agents;

    public IReadOnlyList<Cable> Cables => _cables;

    public async Task InitializeAsync()
    {
        _broker = new MosquittoBroker();
        await _broker.StartAsync();
        var env = new Dictionary<string, string>
        {
            ["EDGESYNC_Fleet__Members"] = "n1,n2,n3",
            ["EDGESYNC_Fleet__Name"] = "consistency",
            ["EDGESYNC_Fleet__HeartbeatInterval"] = "200ms",
            ["EDGESYNC_Sync__AntiEntropyInterval"] = "1s",
        };
        var starts = new List<Task<AgentProcess>>();
        for (var i = 1; i <= 3; i++)
        {
            var cable = new Cable(_broker.Port);
            _cables.Add(cable);
            starts.Add(AgentProcess.StartAsync(Path.Combine(_dir.Path, $"n{i}"), $"n{i}", env, "--broker", $"mqtt://127.0.0.1:{cable.Port}"));
        }

        _agents.AddRange(await Task.WhenAll(starts));
        await WaitAllAsync("healthy", TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        foreach (var cable in _cables)
        {
            await cable.DisposeAsync();
        }

        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }

        _dir.Dispose();
    }

    public static async Task<string> PartitionAsync(AgentProcess node)
    {
        using var doc = JsonDocument.Parse(await node.Http.GetStringAsync("v1/status"));
        return doc.RootElement.GetProperty("partition").GetString()!;
    }

    public async Task WaitAllAsync(string partition, TimeSpan limit)
    {
        foreach (var node in _agents)
        {
            await WaitForAsync(async () => await PartitionAsync(node) == partition, $"{node.Url} {partition}", limit);
        }
    }

    public static Task WaitForAsync(Func<Task<bool>> condition, string what, TimeSpan limit) =>
        Eventually.TrueAsync(condition, what, limit);
}
