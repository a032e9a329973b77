using System.Text;
using EdgeSync.Agent.Tests.Process;

namespace EdgeSync.Agent.Tests.Cli;

/// <summary><c>edgesync batch FILE</c>: JSON lines sent as batches of up to 1,000 writes.</summary>
[Collection(AgentCollection.Name)]
public sealed class BatchCliTests(AgentFixture fixture) : IDisposable
{
    private readonly TempDir _dir = new();

    private string Api => fixture.Agent.Url.ToString().TrimEnd('/');

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Thousands_of_lines_go_in_batches_and_a_refused_write_is_named_by_its_line()
    {
        var lines = new StringBuilder();
        lines.Append("{\"key\":\"bcli/x\",\"value\":1}\r\n\n{\"key\":\"bcli/x\",\"delete\":true}\n");
        for (var i = 0; i < 2500; i++)
        {
            lines.Append($"{{\"key\":\"bcli/n/{i}\",\"value\":{{\"i\":{i}}}}}\n");
        }

        lines.Append("{\"key\":\"bcli/missing\",\"delete\":true}\n");
        var file = await WriteAsync("writes.ndjson", lines.ToString());

        var run = await EdgesyncCli.RunAsync("batch", file, "--api", Api);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("wrote 2502 of 2503 writes; 1 refused (above)", run.Stdout.Trim());
        var refused = Assert.Single(run.StderrLines);
        Assert.StartsWith("edgesync: line 2504 (key 'bcli/missing'): not_found: ", refused, StringComparison.Ordinal);

        Assert.Equal(1, (await EdgesyncCli.RunAsync("get", "bcli/x", "--api", Api)).ExitCode);
        Assert.Equal("{\"i\":0}", (await EdgesyncCli.RunAsync("get", "bcli/n/0", "--api", Api)).Stdout.Trim());
        Assert.Equal("{\"i\":2499}", (await EdgesyncCli.RunAsync("get", "bcli/n/2499", "--api", Api)).Stdout.Trim());
    }

    [Fact]
    public async Task A_write_the_agent_refuses_stops_at_its_batch_and_says_what_was_sent()
    {
        var lines = new StringBuilder();
        for (var i = 0; i < 1200; i++)
        {
            lines.Append(i == 1100 ? "{\"key\":\"\",\"value\":1}\n" : $"{{\"key\":\"bcls/{i}\",\"value\":{i}}}\n");
        }

        var run = await EdgesyncCli.RunAsync("batch", await WriteAsync("bad-key.ndjson", lines.ToString()), "--api", Api);
        Assert.Equal(1, run.ExitCode);
        var error = Assert.Single(run.StderrLines);
        Assert.StartsWith("edgesync: invalid_key: line 1101: The key is empty.", error, StringComparison.Ordinal);
        Assert.Contains("the 1000 writes before line 1001 were sent", error, StringComparison.Ordinal);

        // The first batch was made; the one holding the bad line was not, not even its good writes.
        Assert.Equal("999", (await EdgesyncCli.RunAsync("get", "bcls/999", "--api", Api)).Stdout.Trim());
        Assert.Equal(1, (await EdgesyncCli.RunAsync("get", "bcls/1000", "--api", Api)).ExitCode);
    }

    [Theory]
    [InlineData("{\"key\":\"bclm/1\",\"value\":1}\n{\"key\":\"bclm/2\",\"value\":\n", "line 2 is not valid JSON")]
    [InlineData("{\"key\":\"bclm/1\",\"value\":1}\n[1,2]\n", "line 2 is not a JSON object; nothing was sent")]
    [InlineData("\n\n", "holds no writes")]
    public async Task A_malformed_file_is_refused_before_anything_is_sent(string text, string says)
    {
        var run = await EdgesyncCli.RunAsync("batch", await WriteAsync("malformed.ndjson", text), "--api", Api);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(says, Assert.Single(run.StderrLines), StringComparison.Ordinal);
        Assert.Equal(1, (await EdgesyncCli.RunAsync("get", "bclm/1", "--api", Api)).ExitCode);

        var missing = await EdgesyncCli.RunAsync("batch", Path.Combine(_dir.Path, "nowhere.ndjson"), "--api", Api);
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("edgesync: cannot read ", Assert.Single(missing.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_line_after_the_first_thousand_still_stops_the_file_before_anything_is_sent()
    {
        // The file is read twice (checked, then sent), so a bad line far down still means nothing was sent.
        var lines = new StringBuilder();
        for (var i = 0; i < 1500; i++)
        {
            lines.Append(i == 1400 ? "{\"key\":\"bclf/x\",\"value\":}\n" : $"{{\"key\":\"bclf/{i}\",\"value\":{i}}}\n");
        }

        var run = await EdgesyncCli.RunAsync("batch", await WriteAsync("late-bad.ndjson", lines.ToString()), "--api", Api);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("line 1401 is not valid JSON", Assert.Single(run.StderrLines), StringComparison.Ordinal);
        Assert.Equal(1, (await EdgesyncCli.RunAsync("get", "bclf/0", "--api", Api)).ExitCode);
    }

    [Fact]
    public async Task Standard_input_is_checked_whole_then_sent_from_a_temporary_copy_that_is_removed()
    {
        var tmp = Directory.CreateDirectory(Path.Combine(_dir.Path, "tmp")).FullName;
        var env = new Dictionary<string, string> { ["TMPDIR"] = tmp };
        var good = new StringBuilder("\n{\"key\":\"bcli/in/missing\",\"delete\":true}\r\n");
        for (var i = 0; i < 1200; i++)
        {
            good.Append($"{{\"key\":\"bcli/in/{i}\",\"value\":\"é{i}\"}}\n").Append(i == 600 ? "\n \n" : "");
        }

        good.Append("{\"key\":\"bcli/in/missing2\",\"delete\":true}");
        var run = await EdgesyncCli.RunWithInputAsync(good.ToString(), env, "batch", "-", "--api", Api);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("wrote 1200 of 1202 writes; 2 refused (above)", run.Stdout.Trim());

        // Line numbers count the blank lines, as in a file: the copy keeps them.
        Assert.Equal(2, run.StderrLines.Length);
        Assert.StartsWith("edgesync: line 2 (key 'bcli/in/missing'): not_found: ", run.StderrLines[0], StringComparison.Ordinal);
        Assert.StartsWith("edgesync: line 1205 (key 'bcli/in/missing2'): not_found: ", run.StderrLines[1], StringComparison.Ordinal);
        Assert.Equal("\"é1199\"", (await EdgesyncCli.RunAsync("get", "bcli/in/1199", "--api", Api)).Stdout.Trim());
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp));

        var bad = await EdgesyncCli.RunWithInputAsync("{\"key\":\"bcli/in2/0\",\"value\":0}\n42\n", env, "batch", "-", "--api", Api);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("line 2 is not a JSON object; nothing was sent", Assert.Single(bad.StderrLines), StringComparison.Ordinal);
        Assert.Equal(1, (await EdgesyncCli.RunAsync("get", "bcli/in2/0", "--api", Api)).ExitCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp));

        // Nowhere to keep the copy: a clear error, and nothing sent.
        var nowhere = await EdgesyncCli.RunWithInputAsync("{\"key\":\"bcli/in3/0\",\"value\":0}\n", new Dictionary<string, string> { ["TMPDIR"] = Path.Combine(_dir.Path, "no-such-dir") }, "batch", "-", "--api", Api);
        Assert.Equal(1, nowhere.ExitCode);
        Assert.StartsWith("edgesync: cannot keep standard input in ", Assert.Single(nowhere.StderrLines), StringComparison.Ordinal);
        Assert.Equal(1, (await EdgesyncCli.RunAsync("get", "bcli/in3/0", "--api", Api)).ExitCode);
    }

    private async Task<string> WriteAsync(string name, string text)
    {
        var path = Path.Combine(_dir.Path, name);
        await File.WriteAllTextAsync(path, text);
        return path;
    }
}
