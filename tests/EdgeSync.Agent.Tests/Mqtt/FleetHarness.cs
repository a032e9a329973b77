using EdgeSync.Agent.Mqtt;
using EdgeSync.Agent.Tests.Support;

namespace EdgeSync.Agent.Tests.Mqtt;

/// <summary>Starts fleet connections with test-sized timeouts and stops them all at the end.</summary>
public sealed class FleetHarness : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<ListLogger> _logs = [];
    private int _seed;

    /// <summary>Every connection's log, for failure messages.</summary>
    public string Logs => string.Join(Environment.NewLine, _logs);

    public string Fleet { get; } = "t" + Guid.NewGuid().ToString("N")[..8];

    public static MqttFleetOptions Options(string fleet, string node, params BrokerEndpoint[] brokers) => new()
    {
        Fleet = fleet,
        NodeId = node,
        Brokers = brokers,
        KeepAlive = TimeSpan.FromSeconds(2),
        ConnectTimeout = TimeSpan.FromSeconds(1),
        PublishTimeout = TimeSpan.FromSeconds(1),
        ProbeInterval = TimeSpan.FromMilliseconds(200),
        ProbeTimeout = TimeSpan.FromMilliseconds(600),
        ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
        MaxPayloadBytes = 64 * 1024,
    };

    public T Own<T>(T disposable) where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    public MqttFleetConnection Start(string node, params BrokerEndpoint[] brokers) => Start(Options(Fleet, node, brokers));

    public MqttFleetConnection Start(MqttFleetOptions options)
    {
        var log = new ListLogger(options.NodeId);
        _logs.Add(log);
        var connection = Own(new MqttFleetConnection(options, TimeProvider.System, new Random(++_seed), log));
        connection.Start();
        return connection;
    }

    public async Task<MqttFleetConnection> ConnectedAsync(string node, params BrokerEndpoint[] brokers)
    {
        var connection = Start(node, brokers);
        await Eventually.TrueAsync(() => connection.IsConnected, $"{node} connects", details: () => $"{connection.Stats}{Environment.NewLine}{Logs}");
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
            await _owned[i].DisposeAsync();
    }
}
