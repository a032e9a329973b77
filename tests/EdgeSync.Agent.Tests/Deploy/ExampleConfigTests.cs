using EdgeSync.Agent.Config;
using EdgeSync.Agent.Gpio;
using EdgeSync.Agent.Tests.Process;

namespace EdgeSync.Agent.Tests.Deploy;

/// <summary>
/// systemd/edgesync.json is what a device gets on first install (publish.sh --deploy, the .deb):
/// it must pass the agent's own validation, say what a Pi needs, and start a real agent.
/// </summary>
public sealed class ExampleConfigTests : IDisposable
{
    private static readonly string ExampleFile = RepoRoot.File("systemd", "edgesync.json");
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Example_config_loads_and_validates_with_no_overrides()
    {
        var config = ConfigLoader.Load(new RunOverrides(ExampleFile, null, null, null, null), new Dictionary<string, string?>());

        Assert.Equal("pi-1", config.Node.Id);
        Assert.Equal("/var/lib/edgesync", config.Node.DataDir); // systemd's StateDirectory=edgesync
        Assert.Equal("127.0.0.1:7070", config.Api.Listen);
        Assert.Equal(["pi-1", "pi-2", "pi-3"], config.Fleet.Members);
        Assert.Equal(["mqtt://192.168.1.10:1883"], config.Mqtt.Brokers);
        Assert.Equal(GpioDriverKind.Gpio, config.Gpio.DriverKind);
        Assert.Equal(17, config.Gpio.Status.Pin);
        Assert.Equal(24, config.Gpio.Button.Pin);
    }

    [Fact]
    public void Deploy_rewrites_the_node_id_everywhere_so_a_fresh_device_still_validates()
    {
        // publish.sh --deploy replaces "pi-1" by the device's hostname (Node:Id and its Members entry).
        var text = File.ReadAllText(ExampleFile).Replace("\"pi-1\"", "\"garage-pi\"", StringComparison.Ordinal);
        var file = Path.Combine(_dir.Path, "edgesync.json");
        File.WriteAllText(file, text);

        var config = ConfigLoader.Load(new RunOverrides(file, null, null, null, null), new Dictionary<string, string?>());

        Assert.Equal("garage-pi", config.Node.Id);
        Assert.Contains("garage-pi", config.Fleet.Members);
    }

    [Fact]
    public async Task Agent_runs_with_the_example_config_and_local_overrides()
    {
        // Only what cannot work on a test machine is overridden: data dir and API port (flags),
        // GPIO (no pins here) and the broker (loopback only: the embedded one on a free port).
        var env = new Dictionary<string, string>
        {
            ["EDGESYNC_Gpio__Driver"] = "virtual",
            ["EDGESYNC_Mqtt__EmbeddedPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        await using var agent = await AgentProcess.StartAsync(_dir.Path, "pi-1", env, "--config", ExampleFile, "--broker", "embedded");

        var status = await agent.Http.GetStringAsync(new Uri("v1/status", UriKind.Relative));
        Assert.Contains("\"pi-1\"", status, StringComparison.Ordinal);
        Assert.Contains("pi-3", status, StringComparison.Ordinal);
        Assert.Equal(0, await agent.StopAsync());
    }
}
