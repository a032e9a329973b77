using EdgeSync.Agent.Mqtt;

namespace EdgeSync.Agent.Tests.Support;

/// <summary>A broker a test starts itself on a free loopback port, and can kill and restart on the same port.</summary>
public abstract class TestBroker : IAsyncDisposable
{
    public const string Mosquitto = "mosquitto";
    public const string Embedded = "embedded";

    public abstract int Port { get; }
    public BrokerEndpoint Endpoint => new("127.0.0.1", Port, false);

    public abstract Task StartAsync();

    /// <summary>Dies at once (SIGKILL for Mosquitto, a hard stop for the embedded broker): no session survives.</summary>
    public abstract Task KillAsync();

    public abstract ValueTask DisposeAsync();

    public static async Task<TestBroker> StartAsync(string kind)
    {
        TestBroker broker = kind switch
        {
            Mosquitto => new MosquittoBroker(),
            Embedded => new EmbeddedTestBroker(),
            _ => throw new ArgumentException($"unknown broker kind {kind}", nameof(kind)),
        };
        await broker.StartAsync();
        return broker;
    }

    private sealed class EmbeddedTestBroker : TestBroker
    {
        private readonly EmbeddedBroker _broker = new();

        public override int Port => _broker.Port;
        public override Task StartAsync() => _broker.StartAsync();
        public override Task KillAsync() => _broker.StopAsync();
        public override ValueTask DisposeAsync() => _broker.DisposeAsync();
    }
}
