using System.Net;
using System.Net.Http.Headers;
using EdgeSync.Agent.Tests.Process;

namespace EdgeSync.Agent.Tests.Http;

public sealed class ApiTokenTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task With_Api_Token_set_v1_needs_the_bearer_token_and_healthz_does_not()
    {
        var env = new Dictionary<string, string> { ["EDGESYNC_Api__Token"] = "s3cret-token", ["EDGESYNC_Store__Engine"] = "memory" };
        await using var agent = await AgentProcess.StartAsync(_dir.Path, "tok", env);

        var denied = await Api.PutAsync(agent.Http, "t/k", "1");
        Assert.Equal(HttpStatusCode.Unauthorized, denied.Status);
        Assert.Equal("unauthorized", denied.Body.GetProperty("error").GetString());

        agent.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-token");
        Assert.Equal(HttpStatusCode.OK, (await Api.PutAsync(agent.Http, "t/k", "1")).Status);

        var cli = await EdgesyncCli.RunAsync("get", "t/k", "--api", agent.Url.ToString(), "--token", "s3cret-token");
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Equal("1", cli.Stdout.Trim());

        using var anonymous = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri(agent.Url, "healthz"))).StatusCode);
    }
}
