using System.Diagnostics;
using System.Net;
using System.Text;
using EdgeSync.Agent.Tests.Process;
using EdgeSync.Agent.Tests.Support;
using Xunit.Abstractions;

namespace EdgeSync.Agent.Tests.Deploy;

/// <summary>
/// The Pi build really runs: the published linux-arm64 single-file binary, under
/// qemu-aarch64-static, is one member of a 3-node fleet with two x64 agents on a real Mosquitto,
/// and data replicates both ways. Timings are generous for emulation (1 s heartbeats).
/// </summary>
public sealed class Arm64FleetTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan QemuDeadline = TimeSpan.FromSeconds(120);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Arm64_agent_under_qemu_replicates_both_ways_with_two_x64_agents_on_mosquitto()
    {
        var qemu = Arm64Binary.Qemu;
        var binary = await Arm64Binary.EnsureAsync(output.WriteLine);
        var clock = Stopwatch.StartNew();

        await using var broker = new MosquittoBroker();
        await broker.StartAsync();
        var env = new Dictionary<string, string>
        {
            ["EDGESYNC_Fleet__Name"] = "arm",
            ["EDGESYNC_Fleet__Members"] = "x1,x2,pi",
            ["EDGESYNC_Fleet__HeartbeatInterval"] = "1s",
            ["EDGESYNC_Sync__AntiEntropyInterval"] = "1s",
        };
        var brokerUrl = $"mqtt://127.0.0.1:{broker.Port}";

        await using var pi = await EmulatedAgent.StartAsync(qemu, binary, env, QemuDeadline,
            "run", "--node-id", "pi", "--data-dir", Path.Combine(_dir.Path, "pi"), "--broker", brokerUrl);
        output.WriteLine($"arm64 agent under qemu: serving after {pi.Startup.TotalSeconds:F1} s");
        await using var x1 = await AgentProcess.StartAsync(Path.Combine(_dir.Path, "x1"), "x1", env, "--broker", brokerUrl);
        await using var x2 = await AgentProcess.StartAsync(Path.Combine(_dir.Path, "x2"), "x2", env, "--broker", brokerUrl);

        // arm64 → both x64 nodes.
        await PutAsync(pi.Http, "arm/from-pi", "{\"written-on\":\"aarch64\"}");
        await HasValueAsync(x1.Http, "arm/from-pi", "aarch64", "x1");
        await HasValueAsync(x2.Http, "arm/from-pi", "aarch64", "x2");

        // x64 → arm64.
        await PutAsync(x1.Http, "arm/from-x1", "{\"written-on\":\"x86_64\"}");
        await HasValueAsync(pi.Http, "arm/from-x1", "x86_64", "pi");

        // The emulated node takes part in the fleet, not just in the data: it sees both peers.
        var status = await UntilAsync(
            async () => await pi.Http.GetStringAsync(new Uri("v1/status", UriKind.Relative)),
            s => s.Contains("\"partition\":\"healthy\"", StringComparison.Ordinal), "pi healthy in a fleet of 3");
        output.WriteLine($"pi status: {status}");

        Assert.Equal(0, await x1.StopAsync());
        Assert.Equal(0, await x2.StopAsync());
        Assert.Equal(0, await pi.StopAsync(QemuDeadline));
        output.WriteLine($"fleet part: {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static async Task PutAsync(HttpClient http, string key, string json)
    {
        using var body = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PutAsync(new Uri($"v1/kv/{key}", UriKind.Relative), body);
        Assert.True(response.IsSuccessStatusCode, $"PUT {key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static Task HasValueAsync(HttpClient http, string key, string expected, string node) =>
        UntilAsync(
            async () =>
            {
                using var response = await http.GetAsync(new Uri($"v1/kv/{key}", UriKind.Relative));
                return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            },
            answer => answer.StartsWith("200 ", StringComparison.Ordinal) && answer.Contains(expected, StringComparison.Ordinal),
            $"{key} on {node}");

    /// <summary>Reads until the answer satisfies <paramref name="ok"/>; fails at the (qemu-sized) deadline.</summary>
    private static async Task<string> UntilAsync(Func<Task<string>> read, Func<string, bool> ok, string what)
    {
        var last = "";
        await Eventually.TrueAsync(
            async () => ok(last = await read()),
            what,
            QemuDeadline,
            () => Task.FromResult($"(last answer: {last})"),
            poll: TimeSpan.FromMilliseconds(100)); // an emulated agent answers slowly: ask less often
        return last;
    }
}
