using EdgeSync.Agent.Tests.Process;

namespace EdgeSync.Agent.Tests.Config;

/// <summary>SPEC §8: a bad value stops `edgesync run` with exit code 2 and a line naming the key.</summary>
public sealed class BadConfigProcessTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Bad_value_in_the_file_is_exit_2_naming_the_key()
    {
        var file = _dir.File("c.json", """{ "Store": { "MaxSiblings": 0 } }""");
        var result = await RunAsync(["--config", file]);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("edgesync: bad configuration: Store:MaxSiblings must be between 1 and 1024 (got 0)", Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task Bad_environment_variable_is_exit_2_naming_the_key()
    {
        var result = await RunAsync([], new Dictionary<string, string> { ["EDGESYNC_Sync__AntiEntropyInterval"] = "often" });
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("edgesync: bad configuration: Sync:AntiEntropyInterval must be a duration", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_flag_value_is_exit_2_naming_the_key()
    {
        var result = await RunAsync(["--api", "nowhere"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Api:Listen", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_json_is_exit_2_with_file_and_line()
    {
        var file = _dir.File("broken.json", "{\n  \"Node\": {\n    \"Id\": \"a\",,\n  }\n");
        var result = await RunAsync(["--config", file]);
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("broken.json line 3", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Typo_in_a_key_is_exit_2()
    {
        var file = _dir.File("typo.json", """{ "Fleet": { "Memebers": ["x"] } }""");
        var result = await RunAsync(["--config", file]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Fleet:Memebers is not a known setting", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    private async Task<CliResult> RunAsync(string[] extra, Dictionary<string, string>? env = null)
    {
        string[] api = extra.Contains("--api") ? [] : ["--api", $"127.0.0.1:{FreePort.Next()}"];
        string[] args = ["run", "--node-id", "n1", "--data-dir", _dir.Path, .. api, .. extra];
        using var child = new ChildProcess(args, env);
        var code = await child.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return new CliResult(code, child.Stdout, child.Stderr);
    }
}
