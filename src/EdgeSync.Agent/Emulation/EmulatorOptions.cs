using EdgeSync.Agent.Config;

namespace EdgeSync.Agent.Emulation;

/// <summary>
/// <c>edgesync emulate</c>'s settings. Timing is tighter than a real fleet's defaults so a demo
/// reacts within a second or two, but not so tight that a busy laptop flaps.
/// </summary>
public sealed class EmulatorOptions
{
    public const int MaxNodes = 9;
    public const int DefaultBasePort = 7070;

    public int Nodes { get; init; } = 3;

    /// <summary>Kept after exit when given; else a fresh temporary directory, removed on exit.</summary>
    public string? DataDir { get; init; }

    /// <summary>Node K serves its HTTP API on 127.0.0.1:(BasePort + K).</summary>
    public int BasePort { get; init; } = DefaultBasePort;

    public string FleetName { get; init; } = "emulated";

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan AntiEntropyInterval { get; init; } = TimeSpan.FromSeconds(1);

    public IEnumerable<string> Validate()
    {
        if (Nodes is < 1 or > MaxNodes)
        {
            yield return $"--nodes must be 1-{MaxNodes} (got {Nodes})";
        }

        if (BasePort < 1 || BasePort + Nodes > 65535)
        {
            yield return $"--base-port must leave room for {Nodes} ports below 65536 (got {BasePort})";
        }
    }

    public static string NodeId(int index) => $"n{index}";

    /// <summary>The configuration of node <paramref name="index"/> (1-based), connected to its cable.</summary>
    public AgentConfig NodeConfig(int index, string dataRoot, int cablePort) => new()
    {
        Node = new NodeSection { Id = NodeId(index), DataDir = Path.Combine(dataRoot, NodeId(index)) },
        Api = new ApiSection { Listen = $"127.0.0.1:{BasePort + index}" },
        Fleet = new FleetSection
        {
            Name = FleetName,
            Members = [.. Enumerable.Range(1, Nodes).Select(NodeId)],
            HeartbeatInterval = HeartbeatInterval,
        },
        Mqtt = new MqttSection { Brokers = [$"mqtt://127.0.0.1:{cablePort}"] },
        Sync = new SyncSection { AntiEntropyInterval = AntiEntropyInterval },
        Gpio = new Gpio.GpioOptions { Driver = "virtual" },
    };
}
