using EdgeSync.Agent.Tests.Http;
using EdgeSync.Agent.Tests.Process;
using EdgeSync.Agent.Tests.Support;

namespace EdgeSync.Agent.Tests.Security;

/// <summary>A broker that requires client certificates: <c>Mqtt:CertFile</c>/<c>Mqtt:KeyFile</c> get the node in, their absence keeps it out.</summary>
public sealed class ClientCertificateTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private SecureMosquitto _broker = null!;

    public async Task InitializeAsync() => _broker = await SecureMosquitto.StartAsync(_dir.Path, requireCertificate: true, "n1", "n2");

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_node_with_the_client_certificate_connects_and_one_without_stays_isolated()
    {
        await using var withCert = await StartAsync("n1", withCertificate: true);
        await using var without = await StartAsync("n2", withCertificate: false);
        await Eventually.TrueAsync(() => Connected(withCert), "the node with a client certificate connects", TimeSpan.FromSeconds(20), () => withCert.Child.Stderr);
        await Eventually.TrueAsync(() => without.Child.Stderr.Contains("MQTT connect to", StringComparison.Ordinal), "the node without one says why it cannot connect", details: () => without.Child.Stderr);
        Assert.False(Connected(without));
        Assert.False(without.Child.HasExited);
    }

    private static bool Connected(AgentProcess node) =>
        Api.SendAsync(node.Http, HttpMethod.Get, "v1/status").GetAwaiter().GetResult().Body.GetProperty("broker").GetProperty("connected").GetBoolean();

    private Task<AgentProcess> StartAsync(string node, bool withCertificate)
    {
        var env = new Dictionary<string, string>
        {
            ["EDGESYNC_Fleet__Name"] = SecureMosquitto.Fleet,
            ["EDGESYNC_Fleet__Members"] = "n1,n2",
            ["EDGESYNC_Fleet__HeartbeatInterval"] = "200ms",
            ["EDGESYNC_Mqtt__Brokers"] = _broker.Url,
            ["EDGESYNC_Mqtt__CaFile"] = _broker.Certs.CaFile,
            ["EDGESYNC_Mqtt__Username"] = node,
            ["EDGESYNC_Mqtt__Password"] = SecureMosquitto.PasswordOf(node),
            ["EDGESYNC_Store__Engine"] = "memory",
        };
        if (withCertificate)
        {
            env["EDGESYNC_Mqtt__CertFile"] = _broker.Certs.ClientCertFile;
            env["EDGESYNC_Mqtt__KeyFile"] = _broker.Certs.ClientKeyFile;
        }

        return AgentProcess.StartAsync(Path.Combine(_dir.Path, node), node, env);
    }
}
