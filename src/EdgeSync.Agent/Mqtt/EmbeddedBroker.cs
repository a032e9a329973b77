using System.Net;
using System.Net.Sockets;
using MQTTnet.Server;

namespace EdgeSync.Agent.Mqtt;

/// <summary>
/// An in-process MQTTnet broker for <c>--broker embedded</c> and the emulator. Binds to loopback unless told
/// otherwise. Its sessions and retained messages live in memory, and each client queue drops its oldest
/// message past <see cref="MaxPendingMessagesPerClient"/>: delivery is still guaranteed only by anti-entropy.
/// </summary>
public sealed class EmbeddedBroker : IAsyncDisposable
{
    public const int MaxPendingMessagesPerClient = 10_000;

    private readonly IPAddress _address;
    private readonly int _requestedPort;
    private readonly Action<MqttServer>? _configure;
    private MqttServer? _server;

    /// <param name="port">0 picks a free port (see <see cref="Port"/> once started).</param>
    /// <param name="configure">Lets tests hook the server (e.g. refuse a protocol version) before it starts.</param>
    public EmbeddedBroker(int port = 0, IPAddress? address = null, Action<MqttServer>? configure = null)
    {
        if (port is < 0 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(port), port, "The broker port must be 0-65535.");
        _requestedPort = port;
        _address = address ?? IPAddress.Loopback;
        _configure = configure;
    }

    public int Port { get; private set; }
    public bool IsRunning => _server?.IsStarted == true;

    /// <summary><c>mqtt://127.0.0.1:{Port}</c>, for <c>Mqtt:Brokers</c>.</summary>
    public BrokerEndpoint Endpoint => new(_address.ToString(), Port, false);

    /// <summary>Number of connected clients (diagnostics and tests).</summary>
    public async Task<int> ClientCountAsync() => _server is null ? 0 : (await _server.GetClientsAsync().ConfigureAwait(false)).Count;

    public async Task StartAsync()
    {
        if (IsRunning)
            return;
        // MQTTnet does not report the port it bound, so a free one is chosen first; the gap before the
        // broker binds it is tiny, and a lost race fails loudly in StartAsync rather than silently.
        Port = _requestedPort != 0 ? _requestedPort : Port != 0 ? Port : FreePort(_address); // a restart keeps its port
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(_address)
            .WithDefaultEndpointPort(Port)
            .WithPersistentSessions(true)
            .WithMaxPendingMessagesPerClient(MaxPendingMessagesPerClient)
            .Build();
        options.DefaultEndpointOptions.NoDelay = true;
        options.DefaultEndpointOptions.ReuseAddress = true;
        // Only the IPv4 address asked for: never listen on every IPv6 interface behind the user's back.
        options.DefaultEndpointOptions.BoundInterNetworkV6Address = _address.Equals(IPAddress.Loopback) ? IPAddress.IPv6Loopback : IPAddress.None;
        _server = new MqttServerFactory().CreateMqttServer(options);
        _configure?.Invoke(_server);
        await _server.StartAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the broker; clients see their connection drop (as when a real broker dies).</summary>
    public async Task StopAsync()
    {
        var server = _server;
        _server = null;
        if (server is null)
            return;
        await server.StopAsync(new MqttServerStopOptionsBuilder().Build()).ConfigureAwait(false);
        server.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
