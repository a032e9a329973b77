using EdgeSync.Agent.Tests.Process;

namespace EdgeSync.Agent.Tests.Cli;

/// <summary>CLI behaviour that needs no agent: usage errors, unreachable agent, version and help.</summary>
public sealed class CliUsageTests
{
    [Fact]
    public async Task Unreachable_agent_is_exit_1_with_one_clear_line()
    {
        var port = FreePort.Next();
        var result = await EdgesyncCli.RunAsync("get", "k", "--api", $"http://127.0.0.1:{port}");
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith($"edgesync: cannot reach the agent at http://127.0.0.1:{port}/", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--api")]
    [InlineData("--timeout=5s")]
    [InlineData("--api=")]
    public async Task Client_options_may_come_before_the_command(string form)
    {
        var port = FreePort.Next();
        var url = $"http://127.0.0.1:{port}";
        string[] args = form switch
        {
            "--api" => ["--api", url, "get", "k"],
            "--api=" => [$"--api={url}", "get", "k"],
            _ => [form, "get", "k", "--api", url],
        };

        var result = await EdgesyncCli.RunAsync(args);

        // Parsed as `get k --api URL`: the command runs and fails only because no agent listens there.
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"edgesync: cannot reach the agent at {url}/", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:{0}")]
    [InlineData("localhost:{0}")]
    public async Task The_api_may_be_given_as_address_and_port_as_for_run(string form)
    {
        var port = FreePort.Next();
        var result = await EdgesyncCli.RunAsync("get", "k", "--api", string.Format(System.Globalization.CultureInfo.InvariantCulture, form, port));

        // Taken as http://ADDRESS:PORT: the command runs and fails only because no agent listens there.
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("edgesync: cannot reach the agent at http://", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.Contains($":{port}/", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("put", "only-a-key")]
    [InlineData("frobnicate")]
    [InlineData("get", "k", "--no-such-flag")]
    [InlineData("get", "k", "--api", "not a url")]
    [InlineData("get", "k", "--api", "ftp://127.0.0.1:21")]
    [InlineData("get", "k", "--api", ":7070")]
    [InlineData("--api", "http://127.0.0.1:1", "run", "--no-such-flag")]
    [InlineData("--api", "http://127.0.0.1:1")]
    public async Task Bad_usage_is_exit_2_with_one_line(params string[] args)
    {
        var result = await EdgesyncCli.RunAsync(args);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("edgesync: ", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_prints_the_version()
    {
        var result = await EdgesyncCli.RunAsync("--version");
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", result.Stdout.Trim());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("run", "--help")]
    [InlineData("put", "--help")]
    public async Task Help_works_everywhere(params string[] args)
    {
        var result = await EdgesyncCli.RunAsync(args);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
    }
}
