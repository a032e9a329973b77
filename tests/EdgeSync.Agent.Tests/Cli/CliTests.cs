using System.Text.Json;
using EdgeSync.Agent.Tests.Process;

namespace EdgeSync.Agent.Tests.Cli;

/// <summary>The edgesync CLI as a user runs it: a separate process against a running agent.</summary>
[Collection(AgentCollection.Name)]
public sealed class CliTests(AgentFixture fixture)
{
    private string Api => fixture.Agent.Url.ToString().TrimEnd('/');

    [Fact]
    public async Task Put_get_ls_del_round_trip()
    {
        var put = await EdgesyncCli.RunAsync("put", "cli1/room one/temp", """{"c": 20}""", "--api", Api);
        Assert.True(put.ExitCode == 0, put.ToString());
        using (var answer = JsonDocument.Parse(put.Stdout))
        {
            Assert.Equal("cli1/room one/temp", answer.RootElement.GetProperty("key").GetString());
        }

        var get = await EdgesyncCli.RunAsync("get", "cli1/room one/temp", "--api", Api);
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal("""{"c":20}""", get.Stdout.Trim().Replace(" ", string.Empty, StringComparison.Ordinal));

        await EdgesyncCli.RunAsync("put", "cli1/room two", "2", "--api", Api);
        var ls = await EdgesyncCli.RunAsync("ls", "cli1/", "--api", Api);
        Assert.True(ls.ExitCode == 0, ls.ToString());
        Assert.Equal(["cli1/room one/temp", "cli1/room two"], ls.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var del = await EdgesyncCli.RunAsync("del", "cli1/room two", "--api", Api);
        Assert.True(del.ExitCode == 0, del.ToString());
        var gone = await EdgesyncCli.RunAsync("get", "cli1/room two", "--api", Api);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("not_found", Assert.Single(gone.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_with_context_resolves_siblings()
    {
        var first = await EdgesyncCli.RunAsync("put", "cli2/sib", "1", "--api", Api);
        string context;
        using (var doc = JsonDocument.Parse(first.Stdout))
        {
            context = doc.RootElement.GetProperty("context").GetString()!;
        }

        await EdgesyncCli.RunAsync("put", "cli2/sib", "2", "--context", context, "--api", Api);
        await EdgesyncCli.RunAsync("put", "cli2/sib", "3", "--context", context, "--api", Api);
        var conflict = await EdgesyncCli.RunAsync("get", "cli2/sib", "--json", "--api", Api);
        string merged;
        using (var doc = JsonDocument.Parse(conflict.Stdout))
        {
            Assert.True(doc.RootElement.GetProperty("conflict").GetBoolean());
            merged = doc.RootElement.GetProperty("context").GetString()!;
        }

        var resolve = await EdgesyncCli.RunAsync("put", "cli2/sib", "4", "--context", merged, "--api", Api);
        Assert.True(resolve.ExitCode == 0, resolve.ToString());
        var get = await EdgesyncCli.RunAsync("get", "cli2/sib", "--api", Api);
        Assert.Equal("4", get.Stdout.Trim());
    }

    [Fact]
    public async Task Status_and_leader_print_json()
    {
        var status = await EdgesyncCli.RunAsync("status", "--api", Api);
        Assert.True(status.ExitCode == 0, status.ToString());
        using (var doc = JsonDocument.Parse(status.Stdout))
        {
            Assert.Equal("healthy", doc.RootElement.GetProperty("partition").GetString());
        }

        var leader = await EdgesyncCli.RunAsync("leader", "--api", Api);
        using (var doc = JsonDocument.Parse(leader.Stdout))
        {
            Assert.True(doc.RootElement.GetProperty("self").GetBoolean());
        }
    }

    [Fact]
    public async Task Bad_value_from_the_agent_is_exit_1_with_its_error_code()
    {
        var put = await EdgesyncCli.RunAsync("put", "cli3/bad", "{nope", "--api", Api);
        Assert.Equal(1, put.ExitCode);
        Assert.StartsWith("edgesync: invalid_value:", Assert.Single(put.StderrLines), StringComparison.Ordinal);
    }
}
