using System.Net;
using EdgeSync.Agent.Tests.Process;

namespace EdgeSync.Agent.Tests.Http;

[Collection(AgentCollection.Name)]
public sealed class StatusApiTests(AgentFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task Status_of_a_fleet_of_one_is_healthy_and_it_leads_term_1()
    {
        await Api.PutAsync(Http, "st/k", "1");
        var status = await Api.SendAsync(Http, HttpMethod.Get, "v1/status");
        Assert.Equal(HttpStatusCode.OK, status.Status);
        var b = status.Body;
        Assert.Equal("test-node", b.GetProperty("nodeId").GetString());
        Assert.Equal("leader", b.GetProperty("role").GetString());
        Assert.Equal("test-node", b.GetProperty("leader").GetString());
        Assert.Equal(1, b.GetProperty("term").GetInt64());
        Assert.Equal("healthy", b.GetProperty("partition").GetString());
        Assert.Equal(0, b.GetProperty("peers").GetArrayLength());
        Assert.False(b.GetProperty("broker").GetProperty("connected").GetBoolean());
        Assert.True(b.GetProperty("keys").GetInt64() >= 1);
        var actor = b.GetProperty("actor").GetString()!;
        Assert.StartsWith("test-node.", actor, StringComparison.Ordinal); // a store created empty gets its own actor
        Assert.True(b.GetProperty("versionVector").GetProperty(actor).GetInt64() >= 1);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, b.GetProperty("leds").ValueKind);
    }

    [Fact]
    public async Task Leader_reports_self_in_term_1()
    {
        var leader = await Api.SendAsync(Http, HttpMethod.Get, "v1/leader");
        Assert.Equal("test-node", leader.Body.GetProperty("leader").GetString());
        Assert.Equal(1, leader.Body.GetProperty("term").GetInt64());
        Assert.True(leader.Body.GetProperty("self").GetBoolean());
    }

    [Fact]
    public async Task Healthz_is_200()
    {
        using var response = await Http.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_count_writes_errors_and_batches_in_prometheus_text()
    {
        await Api.PutAsync(Http, "met/k", "1");
        await Api.PutAsync(Http, "met/bad", "{");
        var text = await Http.GetStringAsync("metrics");
        Assert.Contains("# TYPE edgesync_writes_total counter", text, StringComparison.Ordinal);
        Assert.Matches(@"edgesync_writes_total\{op=""put""\} [1-9]", text);
        Assert.Matches(@"edgesync_http_errors_total\{code=""invalid_value""\} [1-9]", text);
        Assert.Matches(@"edgesync_batch_commits_total [1-9]", text);
        Assert.Matches(@"edgesync_keys [1-9]", text);
        Assert.Matches(@"edgesync_store_log_syncs_total [1-9]", text);
        Assert.Matches(@"edgesync_store_flushes_total [0-9]", text);
        Assert.Matches(@"edgesync_store_pending [0-9]", text);
        Assert.Matches(@"edgesync_store_listener_failures_total 0\b", text);
        Assert.Matches(@"edgesync_sync_put_off_total [0-9]", text);
        Assert.Matches(@"edgesync_sync_digest_checks_total [0-9]", text);
        Assert.Matches(@"edgesync_sync_digest_descents_total [0-9]", text);
        Assert.Contains("edgesync_write_duration_seconds_bucket{le=\"+Inf\"}", text, StringComparison.Ordinal);
    }
}
