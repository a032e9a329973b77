using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EdgeSync.Agent.Tests.Support;
using Xunit.Abstractions;

namespace EdgeSync.Agent.Tests.Fleet;

/// <summary>
/// The hard properties on real processes, Jepsen-style: a client per node writes without pause —
/// unique keys (some at quorum, some in batches, some of those at quorum), deletes of them, and
/// keys all nodes write concurrently (siblings and last-writer-wins) — while a
/// <see cref="ChaosNemesis"/> pulls cables, kills, freezes and restarts agents and the broker.
/// Some writes are read back at once on another node, at quorum after a quorum write and with
/// the session token otherwise: such a read may be refused, but must never answer without the
/// write. Then everything is healed and the fleet must converge: every node the same data, every
/// acknowledged write there, every acknowledged delete gone, nothing that was never written, one
/// leader, and no agent that died on its own. The seed (EDGESYNC_CHAOS_SEED) and the fault log
/// are in every failure; EDGESYNC_CHAOS_SECONDS runs it longer (a soak).
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class FleetChaosTests(ITestOutputHelper output)
{
    private const string SessionHeader = "EdgeSync-Session";
    private const int MinAcknowledged = 100;
    private const int MinReadsChecked = 20;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(TestBroker.Mosquitto)]
    [InlineData(TestBroker.Embedded)]
    public async Task Faults_under_load_lose_no_acknowledged_write_and_the_fleet_converges(string broker)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("EDGESYNC_CHAOS_SEED"), out var s) ? s : Random.Shared.Next();
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("EDGESYNC_CHAOS_SECONDS"), out var d) ? d : 20;
        var random = new Random(seed);
        await using var rig = await FleetRig.StartAsync(broker, new Dictionary<string, string> { ["EDGESYNC_Store__ConflictPolicies__w/"] = "lww" });
        var ledger = new ChaosLedger();
        var nemesis = new ChaosNemesis(rig, new Random(random.Next()));
        var context = () => $"seed {seed} (EDGESYNC_CHAOS_SEED={seed}), broker {broker}; faults:{Environment.NewLine}{string.Join(Environment.NewLine, nemesis.Log)}";

        using var stop = new CancellationTokenSource();
        var violations = new ConcurrentBag<string>();
        var clients = rig.Members.Select(m => RunClientAsync(rig, m, ledger, violations, new Random(random.Next()), stop.Token)).ToList();
        try
        {
            await nemesis.RunAsync(TimeSpan.FromSeconds(seconds));

            // Long faults on a slow machine can leave too few answers to judge by: the clients go on
            // in the healed fleet until there are enough, or the deadline passes (judged below).
            try
            {
                await Eventually.TrueAsync(() => ledger.Acknowledged > MinAcknowledged && ledger.ReadsChecked > MinReadsChecked, "enough load to judge", TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                // Still too little: the assertions below say so, with the refusals counted.
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }

        Assert.True(violations.IsEmpty, $"{string.Join(Environment.NewLine, violations)}{Environment.NewLine}{context()}");

        // Every fault is healed; the agents that died are only those the nemesis killed (and restarted).
        Assert.True(rig.Members.All(m => !m.Agent.Child.HasExited), $"an agent exited by itself; {context()}{Environment.NewLine}{rig.Diagnostics()}");
        Assert.True(ledger.Acknowledged > MinAcknowledged, $"only {ledger.Acknowledged} writes were acknowledged: the faults left too little load to judge; {context()}");
        Assert.True(ledger.ReadsChecked > MinReadsChecked, $"only {ledger.ReadsChecked} writes were read back on another node (refused: {ledger.ReadsRefused()}); {context()}");

        SortedDictionary<string, string>[] data = [];
        try
        {
            await rig.WaitAsync(
                async () =>
                {
                    data = await Task.WhenAll(rig.Members.Select(m => m.Api.ListAsync("")));
                    return data.All(x => x.SequenceEqual(data[0])) && ledger.Problems(rig.Members[0].Id, data[0]).Count == 0;
                },
                $"every node holds the same data, and all acknowledged writes; {context()}",
                TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            // Judged below, with every problem named.
        }

        Assert.True(data.Length == rig.Members.Count, $"the nodes' data could not be read; {context()}{Environment.NewLine}{rig.Diagnostics()}");
        var problems = rig.Members.Zip(data).SelectMany(p => ledger.Problems(p.First.Id, p.Second)).ToList();
        for (var i = 1; i < data.Length; i++)
        {
            var differ = data[0].Keys.Union(data[i].Keys).Where(k => data[0].GetValueOrDefault(k) != data[i].GetValueOrDefault(k)).Take(5);
            problems.AddRange(differ.Select(k => $"{rig.Members[0]} and {rig.Members[i]} differ on '{k}': {data[0].GetValueOrDefault(k)} / {data[i].GetValueOrDefault(k)}"));
        }

        Assert.True(problems.Count == 0, $"{problems.Count} problems, first: {string.Join(Environment.NewLine, problems.Take(20))}{Environment.NewLine}{context()}");

        await rig.WaitAsync(
            async () =>
            {
                var statuses = await rig.StatusesAsync();
                return statuses.All(x => (string?)x["partition"] == "healthy") && statuses.Select(x => $"{x["leader"]}@{x["term"]}").Distinct().Count() == 1 && statuses.Any(x => (string?)x["role"] == "leader");
            },
            $"healthy, one leader all agree on; {context()}",
            TimeSpan.FromSeconds(30));
        foreach (var m in rig.Members)
            Assert.DoesNotContain("crit:", m.Agent.Child.Stderr, StringComparison.Ordinal);
        output.WriteLine($"{ledger.Acknowledged} acknowledged writes and deletes, {ledger.ReadsChecked} read back on another node (refused: {ledger.ReadsRefused()}), {data[0].Count} keys on every node; {context()}");
    }

    /// <summary>One client: a write at a time, each answered, refused or timed out, and recorded as such.</summary>
    private static Task RunClientAsync(FleetRig rig, FleetMember member, ChaosLedger ledger, ConcurrentBag<string> violations, Random random, CancellationToken stop) => Task.Run(async () =>
    {
        var own = new List<string>();
        var others = rig.Members.Where(m => m != member).ToList();
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var roll = random.Next(100);
            try
            {
                if (roll < 55)
                {
                    var quorum = roll < 10;
                    var key = $"u/{member.Id}/{i}";
                    var value = $$"""{"n":"{{member.Id}}","i":{{i}}}""";
                    own.Add(key);
                    ledger.Unknown(key, value);
                    var put = await SendAsync(member, HttpMethod.Put, $"v1/kv/{key}{(quorum ? "?consistency=quorum" : "")}", value);
                    if (put.Status == HttpStatusCode.OK)
                    {
                        ledger.Acked(key, value);
                        if (roll < 20)
                            await ReadBackAsync(key, value, quorum, put.Session);
                    }
                }
                else if (roll < 65)
                {
                    if (ledger.DeletableFrom(own, random) is { } key)
                    {
                        ledger.Deleted(key, acknowledged: false); // before it is sent: its answer may never come
                        var status = (await SendAsync(member, HttpMethod.Delete, $"v1/kv/{key}", null)).Status;
                        if (status == HttpStatusCode.OK)
                            ledger.Deleted(key, acknowledged: true);
                        if (status == HttpStatusCode.NotFound)
                            violations.Add($"{member}: DELETE of its own acknowledged write '{key}' found no such key");
                    }
                }
                else if (roll < 90)
                {
                    // s/: siblings (the default policy); w/: last writer wins, so one value on every node.
                    var key = $"{(roll < 80 ? "s" : "w")}/{random.Next(4)}";
                    var value = $"\"{member.Id}-{i}\"";
                    ledger.Shared(key, value, lww: roll >= 80);
                    if ((await SendAsync(member, HttpMethod.Put, $"v1/kv/{key}", value)).Status == HttpStatusCode.OK)
                        ledger.SharedAcked(key);
                }
                else
                {
                    var writes = Enumerable.Range(0, 5).Select(j => (Key: $"b/{member.Id}/{i}-{j}", Value: $$"""{"n":"{{member.Id}}","b":{{i}},"j":{{j}}}""")).ToList();
                    own.AddRange(writes.Select(w => w.Key));
                    foreach (var (key, value) in writes)
                        ledger.Unknown(key, value);
                    var body = "{\"writes\":[" + string.Join(',', writes.Select(w => $$"""{"key":"{{w.Key}}","value":{{w.Value}}}""")) + "]}";
                    var quorum = roll >= 95;
                    var batch = await SendAsync(member, HttpMethod.Post, "v1/batch" + (quorum ? "?consistency=quorum" : ""), body);
                    if (batch.Status == HttpStatusCode.OK && batch.Body!["failed"]!.GetValue<int>() == 0)
                    {
                        foreach (var (key, value) in writes)
                            ledger.Acked(key, value);
                        var (readKey, readValue) = writes[random.Next(writes.Count)];
                        await ReadBackAsync(readKey, readValue, quorum, batch.Session);
                    }
                }
            }
            catch (Exception e) when (IsNoAnswer(e))
            {
                // No answer (or a cut-off one): the outcome is unknown, as recorded before it was sent. A pause, not a spin
                // against an agent that is down.
                await Task.Delay(20, CancellationToken.None);
            }
        }

        // Read a write just acknowledged on another node: at quorum after a quorum write (R + W > N),
        // or with the write's session token (read-your-writes). A refusal is allowed, a miss is not.
        async Task ReadBackAsync(string key, string value, bool quorum, string? session)
        {
            var other = others[random.Next(others.Count)];
            var path = quorum ? $"v1/kv/{key}?consistency=quorum" : $"v1/kv/{key}?timeout=2s";
            Answer read;
            try
            {
                read = await SendAsync(other, HttpMethod.Get, path, null, quorum ? null : session);
            }
            catch (Exception e) when (IsNoAnswer(e))
            {
                ledger.ReadRefused(e switch
                {
                    HttpRequestException h => $"no answer ({h.HttpRequestError})",
                    OperationCanceledException => $"no answer in {RequestTimeout.TotalSeconds:0} s",
                    _ => $"no answer ({e.GetType().Name})",
                });
                return;
            }

            if (Holds(read.Body, value))
                ledger.ReadChecked();
            else if (read.Status is not (HttpStatusCode.OK or HttpStatusCode.NotFound))
                ledger.ReadRefused($"{(int)read.Status} {read.Body?["error"]}");
            else
                violations.Add($"{other}: a {(quorum ? "quorum read after a quorum write" : "read with the write's session token")} of '{key}' (written on {member}) answered {(int)read.Status} {read.Body?.ToJsonString()}");
        }
    }, CancellationToken.None);

    private static bool IsNoAnswer(Exception e) =>
        e is HttpRequestException or IOException or System.Text.Json.JsonException or OperationCanceledException or ObjectDisposedException;

    private static async Task<Answer> SendAsync(FleetMember member, HttpMethod method, string path, string? json, string? session = null)
    {
        using var timeout = new CancellationTokenSource(RequestTimeout);
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        if (session is not null)
            request.Headers.Add(SessionHeader, session);
        using var response = await member.Agent.Http.SendAsync(request, timeout.Token);
        var text = await response.Content.ReadAsStringAsync(timeout.Token);
        var token = response.Headers.TryGetValues(SessionHeader, out var values) ? values.FirstOrDefault() : null;
        return new Answer(response.StatusCode, token, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    /// <summary>Whether a GET answer holds <paramref name="value"/> (compact JSON) among its values.</summary>
    private static bool Holds(JsonNode? body, string value) =>
        body?["values"] is JsonArray values && values.Any(v => v?.ToJsonString() == value);

    private sealed record Answer(HttpStatusCode Status, string? Session, JsonNode? Body);
}
