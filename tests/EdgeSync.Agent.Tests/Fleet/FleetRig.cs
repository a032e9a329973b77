using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeSync.Agent.Emulation;
using EdgeSync.Agent.Tests.Process;
using EdgeSync.Agent.Tests.Support;

namespace EdgeSync.Agent.Tests.Fleet;

/// <summary>
/// Three real <c>edgesync run</c> processes on a broker the test owns (Mosquitto or an embedded MQTTnet
/// broker in the test process). Each node reaches the broker through its own <see cref="Cable"/>, so
/// its cable can be pulled. Tight timings keep the tests short.
/// </summary>
public sealed class FleetRig : IAsyncDisposable
{
    public static readonly string[] Ids = ["n1", "n2", "n3"];

    private readonly Dictionary<string, string> _env;

    private FleetRig(TestBroker broker, string fleet, Dictionary<string, string> env, List<FleetMember> members)
    {
        Broker = broker;
        Fleet = fleet;
        _env = env;
        Members = members;
    }

    public TestBroker Broker { get; }
    public string Fleet { get; }
    public IReadOnlyList<FleetMember> Members { get; }
    public FleetMember this[string id] => Members.Single(m => m.Id == id);

    /// <summary>Starts the broker and three agents; <paramref name="settings"/> adds to (or overrides) their environment.</summary>
    public static async Task<FleetRig> StartAsync(string brokerKind, IReadOnlyDictionary<string, string>? settings = null)
    {
        var broker = await TestBroker.StartAsync(brokerKind);
        var fleet = "t" + Guid.NewGuid().ToString("N")[..8];
        var env = new Dictionary<string, string>
        {
            ["EDGESYNC_Fleet__Name"] = fleet,
            ["EDGESYNC_Fleet__Members"] = string.Join(',', Ids),
            ["EDGESYNC_Fleet__HeartbeatInterval"] = "200ms",
            ["EDGESYNC_Sync__AntiEntropyInterval"] = "1s",
            ["EDGESYNC_Gpio__Driver"] = "virtual", // the LEDs show in /v1/status whatever the test machine has
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
            env[name] = value;
        var members = new List<FleetMember>();
        try
        {
            var starts = Ids.Select(async id =>
            {
                var cable = new Cable(broker.Port);
                var dir = new TempDir();
                var agent = await StartAgentAsync(dir.Path, id, env, cable);
                return new FleetMember(id, agent, cable, dir);
            }).ToList();
            foreach (var start in starts)
                members.Add(await start);
            var rig = new FleetRig(broker, fleet, env, members);
            await rig.WaitAsync(async () => (await rig.StatusesAsync()).All(s => (string?)s["partition"] == "healthy"), "every node healthy");
            return rig;
        }
        catch
        {
            foreach (var m in members)
                await m.DisposeAsync();
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>kill -9 (unless it has already exited) and start again on the same data dir and cable.</summary>
    public async Task RestartAsync(FleetMember member)
    {
        member.Agent.Kill();
        await member.Agent.Child.WaitForExitAsync(TimeSpan.FromSeconds(10));
        await member.ReplaceAsync(await StartAgentAsync(member.Agent.DataDir, member.Id, _env, member.Cable));
    }

    public Task<JsonNode[]> StatusesAsync() => Task.WhenAll(Members.Select(m => m.Api.StatusAsync()));

    /// <summary>Polls an async condition under a deadline; the failure names what was awaited and every node's stderr tail.</summary>
    public Task WaitAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    return await condition();
                }
                catch (HttpRequestException)
                {
                    return false; // An agent busy restarting its listener: ask again.
                }
            },
            what + Environment.NewLine,
            timeout ?? TimeSpan.FromSeconds(20),
            () => Task.FromResult(Diagnostics()));

    /// <summary>Every node holds exactly these values for every key (order of siblings ignored).</summary>
    public Task WaitConvergedAsync(IReadOnlyDictionary<string, string[]> expected, TimeSpan? timeout = null) =>
        WaitAsync(async () =>
        {
            foreach (var m in Members)
            {
                foreach (var (key, values) in expected)
                {
                    var got = await m.Api.GetAsync(key);
                    if (got is null || !got.Value.Values.SequenceEqual(values.Order(StringComparer.Ordinal)))
                        return false;
                }
            }

            return true;
        }, $"all {expected.Count} keys converged on every node", timeout);

    public string Diagnostics() =>
        string.Join(Environment.NewLine, Members.Select(m => $"--- {m.Id} stderr (tail):{Environment.NewLine}{Tail(m.Agent.Child.Stderr)}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var m in Members)
            await m.DisposeAsync();
        await Broker.DisposeAsync();
    }

    private static Task<AgentProcess> StartAgentAsync(string dataDir, string id, Dictionary<string, string> env, Cable cable) =>
        AgentProcess.StartAsync(dataDir, id, env, "--broker", $"mqtt://127.0.0.1:{cable.Port}");

    private static string Tail(string text) => text.Length <= 3000 ? text : text[^3000..];
}
