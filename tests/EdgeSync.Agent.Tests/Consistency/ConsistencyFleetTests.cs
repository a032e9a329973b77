using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using EdgeSync.Agent.Tests.Fleet;
using EdgeSync.Agent.Tests.Process;

namespace EdgeSync.Agent.Tests.Consistency;

/// <summary>
/// SPEC §5 on a real 3-node fleet: a session token carries read-your-writes from one node to
/// another (HTTP and CLI); during a cable pull the cut-off node serves consistency=one but
/// refuses quorum in under a second, while the majority serves both.
/// </summary>
public sealed class ConsistencyFleetTests(ThreeNodeFleet fleet) : IClassFixture<ThreeNodeFleet>
{
    private const string Session = "EdgeSync-Session";

    [Fact]
    public async Task WriteOnOneNodeThenReadOnAnotherWithTheTokenSeesIt()
    {
        await fleet.WaitAllAsync("healthy", TimeSpan.FromSeconds(20));
        var (a, b) = (fleet.Nodes[0], fleet.Nodes[1]);
        for (var i = 0; i < 10; i++)
        {
            // consistency=one: only the token makes B wait for the write to arrive.
            using var put = await SendAsync(a, HttpMethod.Put, "v1/kv/ryw/counter", $"{{\"n\":{i}}}", null);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            var token = put.Headers.GetValues(Session).Single();

            using var get = await SendAsync(b, HttpMethod.Get, "v1/kv/ryw/counter", null, token);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            using var body = JsonDocument.Parse(await get.Content.ReadAsStringAsync());
            Assert.Equal(i, body.RootElement.GetProperty("values")[0].GetProperty("n").GetInt32());
        }

        // A quorum write is acknowledged by a majority before it answers, and says so.
        using var quorum = await SendAsync(a, HttpMethod.Put, "v1/kv/ryw/q?consistency=quorum", "\"q\"", null);
        Assert.Equal(HttpStatusCode.OK, quorum.StatusCode);
        using var q = JsonDocument.Parse(await quorum.Content.ReadAsStringAsync());
        Assert.Contains(q.RootElement.GetProperty("consistency").GetString(), new[] { "quorum", "all" });
        Assert.True(q.RootElement.GetProperty("replicas").GetInt32() >= 2);
    }

    [Fact]
    public async Task ABatchAtQuorumIsHeldByAMajorityAndItsTokenReadsEveryWriteOnAnotherNode()
    {
        const int Writes = 200;
        await fleet.WaitAllAsync("healthy", TimeSpan.FromSeconds(20));
        var (a, b) = (fleet.Nodes[0], fleet.Nodes[1]);
        var writes = string.Join(",", Enumerable.Range(0, Writes).Select(i => $$"""{"key":"bq/{{i}}","value":{{i}}}"""));
        var sentBefore = await MetricAsync(a, "edgesync_sync_messages_sent_total");
        var pushedBefore = await MetricAsync(a, "edgesync_sync_pushes_sent_total");
        using var post = await SendAsync(a, HttpMethod.Post, "v1/batch?consistency=quorum", $$"""{"writes":[{{writes}}]}""", null);
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);

        // One replicate request per peer for the whole batch (it fits one message), not one per
        // write per peer (400); the rest is the anti-entropy rounds meanwhile. The requests are
        // the writes' only copies: none is pushed as well.
        var sent = await MetricAsync(a, "edgesync_sync_messages_sent_total") - sentBefore;
        Assert.True(sent < Writes / 2, $"a quorum batch of {Writes} writes took {sent} sync messages");
        Assert.Equal(pushedBefore, await MetricAsync(a, "edgesync_sync_pushes_sent_total"));
        using var one = await SendAsync(a, HttpMethod.Put, "v1/kv/bq/one", "1", null);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(pushedBefore + 1, await MetricAsync(a, "edgesync_sync_pushes_sent_total")); // level one pushes
        using var answer = JsonDocument.Parse(await post.Content.ReadAsStringAsync());
        Assert.Contains(answer.RootElement.GetProperty("consistency").GetString(), new[] { "quorum", "all" });
        Assert.True(answer.RootElement.GetProperty("replicas").GetInt32() >= 2);
        Assert.Equal(0, answer.RootElement.GetProperty("failed").GetInt32());

        var token = post.Headers.GetValues(Session).Single();
        for (var i = 0; i < Writes; i++)
        {
            using var get = await SendAsync(b, HttpMethod.Get, $"v1/kv/bq/{i}", null, token);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            using var body = JsonDocument.Parse(await get.Content.ReadAsStringAsync());
            Assert.Equal(i, body.RootElement.GetProperty("values")[0].GetInt32());
        }
    }

    [Fact]
    public async Task CliSessionFileCarriesReadYourWritesAcrossNodes()
    {
        await fleet.WaitAllAsync("healthy", TimeSpan.FromSeconds(20));
        using var dir = new TempDir();
        var session = Path.Combine(dir.Path, "session");
        var (a, c) = (fleet.Nodes[0], fleet.Nodes[2]);
        var put = await EdgesyncCli.RunAsync("put", "cli/greeting", "\"hello\"", "--api", a.Url.ToString(), "--session", session);
        Assert.True(put.ExitCode == 0, put.ToString());
        Assert.True(File.Exists(session) && File.ReadAllText(session).Trim().Length > 0, "the session file holds a token");

        var get = await EdgesyncCli.RunAsync("get", "cli/greeting", "--api", c.Url.ToString(), "--session", session, "--consistency", "quorum");
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal("\"hello\"", get.Stdout.Trim());
    }

    [Fact]
    public async Task DuringACablePullTheMinorityServesOneButRefusesQuorumFast()
    {
        await fleet.WaitAllAsync("healthy", TimeSpan.FromSeconds(20));
        var (a, c) = (fleet.Nodes[0], fleet.Nodes[2]);
        using var before = await SendAsync(a, HttpMethod.Put, "v1/kv/cap/x?consistency=all", "1", null);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        fleet.Cables[2].Pull();
        try
        {
            // Caught by the pull before anyone noticed it: the wait ends when the failure
            // detector does (about a second), not at the 10 s timeout.
            var caught = Stopwatch.StartNew();
            using (var early = await SendAsync(c, HttpMethod.Put, "v1/kv/cap/caught?consistency=quorum&timeout=10s", "0", null))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
                Assert.True(caught.Elapsed < TimeSpan.FromSeconds(5), $"a quorum write caught by the pull took {caught.Elapsed.TotalSeconds:0.0} s");
            }

            await ThreeNodeFleet.WaitForAsync(async () => await ThreeNodeFleet.PartitionAsync(c) is "minority" or "isolated", "n3 sees itself cut off", TimeSpan.FromSeconds(15));
            await ThreeNodeFleet.WaitForAsync(async () => await ThreeNodeFleet.PartitionAsync(a) == "degraded", "n1 sees n3 gone", TimeSpan.FromSeconds(15));

            // Minority: local reads and writes work (availability) ...
            using (var one = await SendAsync(c, HttpMethod.Put, "v1/kv/cap/minority", "\"still here\"", null))
            {
                Assert.Equal(HttpStatusCode.OK, one.StatusCode);
            }

            using (var one = await SendAsync(c, HttpMethod.Get, "v1/kv/cap/x", null, null))
            {
                Assert.Equal(HttpStatusCode.OK, one.StatusCode);
            }

            // ... but quorum is refused at once (consistency), not after the 5 s default timeout.
            foreach (var (method, path, body) in new[] { (HttpMethod.Put, "v1/kv/cap/x?consistency=quorum", "2"), (HttpMethod.Get, "v1/kv/cap/x?consistency=quorum", null) })
            {
                var clock = Stopwatch.StartNew();
                using var refused = await SendAsync(c, method, path, body, null);
                var elapsed = clock.Elapsed;
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.Contains("quorum_unavailable", await refused.Content.ReadAsStringAsync());
                Assert.True(elapsed < TimeSpan.FromSeconds(1), $"{method} quorum took {elapsed.TotalMilliseconds:0} ms");
            }

            // Majority: both levels work; `all` cannot (n3 is gone) and says so fast.
            using (var quorum = await SendAsync(a, HttpMethod.Put, "v1/kv/cap/x?consistency=quorum", "3", null))
            {
                Assert.Equal(HttpStatusCode.OK, quorum.StatusCode);
                Assert.Contains("\"consistency\":\"quorum\"", await quorum.Content.ReadAsStringAsync());
            }

            using (var read = await SendAsync(fleet.Nodes[1], HttpMethod.Get, "v1/kv/cap/x?consistency=quorum", null, null))
            {
                Assert.Equal(HttpStatusCode.OK, read.StatusCode);
                Assert.Contains("\"values\":[3]", await read.Content.ReadAsStringAsync());
            }

            using (var all = await SendAsync(a, HttpMethod.Get, "v1/kv/cap/x?consistency=all", null, null))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, all.StatusCode);
            }

            // A session from the majority is not covered on the cut-off node: 409, not stale data.
            using var write = await SendAsync(a, HttpMethod.Put, "v1/kv/cap/y", "\"new\"", null);
            var token = write.Headers.GetValues(Session).Single();
            using var stale = await SendAsync(c, HttpMethod.Get, "v1/kv/cap/y?timeout=300ms", null, token);
            Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
            Assert.Contains("session_not_covered", await stale.Content.ReadAsStringAsync());
        }
        finally
        {
            fleet.Cables[2].Plug();
        }

        await fleet.WaitAllAsync("healthy", TimeSpan.FromSeconds(30));
        using var healed = await SendAsync(c, HttpMethod.Get, "v1/kv/cap/x?consistency=quorum", null, null);
        Assert.Contains("\"values\":[3]", await healed.Content.ReadAsStringAsync());
    }

    private static async Task<double> MetricAsync(AgentProcess node, string name) =>
        FleetApi.Metric(await node.Http.GetStringAsync("metrics"), name);

    private static async Task<HttpResponseMessage> SendAsync(AgentProcess node, HttpMethod method, string path, string? json, string? session)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (session is not null)
        {
            request.Headers.Add(Session, session);
        }

        return await node.Http.SendAsync(request);
    }
}
