using EdgeSync.Agent.Tests.Process;

namespace EdgeSync.Agent.Tests.Cli;

/// <summary><c>edgesync export</c> and <c>edgesync import</c> as a user runs them, between two agents.</summary>
[Collection(AgentCollection.Name)]
public sealed class BackupCliTests(AgentFixture fixture) : IDisposable
{
    private readonly TempDir _dir = new();

    private string Api => fixture.Agent.Url.ToString().TrimEnd('/');

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task An_export_to_a_file_imports_into_another_agent_with_deletes_kept()
    {
        var prefix = $"clibak{Guid.NewGuid():N}/";
        foreach (var (key, json) in new[] { ("a", "1"), ("b", "\"two\""), ("c", "3") })
        {
            Assert.Equal(0, (await EdgesyncCli.RunAsync("put", prefix + key, json, "--api", Api)).ExitCode);
        }

        Assert.Equal(0, (await EdgesyncCli.RunAsync("del", prefix + "c", "--api", Api)).ExitCode);
        var file = Path.Combine(_dir.Path, "backup.ndjson");
        var export = await EdgesyncCli.RunAsync("export", prefix, "--out", file, "--api", Api);
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Equal($"exported 3 keys to {file}", export.Stdout.Trim());
        Assert.Equal(3, File.ReadAllLines(file).Length);
        Assert.False(File.Exists(file + ".partial"));

        // Standard output carries the same lines.
        var toStdout = await EdgesyncCli.RunAsync("export", prefix, "--api", Api);
        Assert.Equal(File.ReadAllLines(file), toStdout.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        await using var target = await AgentProcess.StartAsync(Path.Combine(_dir.Path, "target"), "target");
        var targetApi = target.Url.ToString().TrimEnd('/');
        var import = await EdgesyncCli.RunAsync("import", file, "--api", targetApi);
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Equal("imported 3 keys: 3 changed, 0 already there", import.Stdout.Trim());
        Assert.Equal("\"two\"", (await EdgesyncCli.RunAsync("get", prefix + "b", "--api", targetApi)).Stdout.Trim());
        var deleted = await EdgesyncCli.RunAsync("get", prefix + "c", "--api", targetApi);
        Assert.Equal(1, deleted.ExitCode);
        Assert.Contains("not_found", deleted.Stderr, StringComparison.Ordinal);

        var again = await EdgesyncCli.RunAsync("import", file, "--api", targetApi);
        Assert.Equal("imported 3 keys: 0 changed, 3 already there", again.Stdout.Trim());
    }

    [Fact]
    public async Task A_bad_or_missing_file_fails_with_one_line_naming_it()
    {
        var bad = Path.Combine(_dir.Path, "bad.ndjson");
        await File.WriteAllTextAsync(bad, "{\"key\":\"x\",\"state\":\"not base64!\"}\n");
        var refused = await EdgesyncCli.RunAsync("import", bad, "--api", Api);
        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith("edgesync: invalid_import: ", Assert.Single(refused.StderrLines), StringComparison.Ordinal);
        Assert.Contains("Line 1", refused.Stderr, StringComparison.Ordinal);

        var missing = await EdgesyncCli.RunAsync("import", Path.Combine(_dir.Path, "nowhere.ndjson"), "--api", Api);
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("edgesync: cannot read ", Assert.Single(missing.StderrLines), StringComparison.Ordinal);

        var unwritable = await EdgesyncCli.RunAsync("export", "--out", Path.Combine(_dir.Path, "no-such-dir", "x.ndjson"), "--api", Api);
        Assert.Equal(1, unwritable.ExitCode);
        Assert.StartsWith("edgesync: cannot write ", Assert.Single(unwritable.StderrLines), StringComparison.Ordinal);
    }
}
