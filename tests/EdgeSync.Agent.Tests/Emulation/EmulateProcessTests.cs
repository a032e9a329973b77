using System.Text.RegularExpressions;
using EdgeSync.Agent.Tests.Process;
using EdgeSync.Agent.Tests.Support;

namespace EdgeSync.Agent.Tests.Emulation;

/// <summary><c>edgesync emulate</c> as a child process in its scripted mode.</summary>
public sealed partial class EmulateProcessTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Pulling_the_leaders_cable_elects_another_and_replugging_heals_and_converges()
    {
        using var dir = new TempDir();
        var script = dir.File("partition.txt", """
            # 3 nodes: find the leader, cut it off, heal.
            wait leader 20s
            write n1 demo/a {"v": 1}
            write n2 demo/b 2
            inc n3
            wait converged 20s
            pull @leader
            expect leader-not @last 20s
            expect partition @last minority|isolated 20s
            write @last demo/cut-side "written on the minority side"
            write @leader demo/majority-side 1
            status
            plug @last
            expect partition n1 healthy 20s
            expect partition n2 healthy 20s
            expect partition n3 healthy 20s
            wait leader 20s
            wait converged 30s
            status
            """);
        var result = await RunAsync(["emulate", "--nodes", "3", "--base-port", PortRun.FreeBase(3).ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", dir.Path, "--script", script]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("done: all checks passed", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("FAIL", result.Stdout, StringComparison.Ordinal);

        var firstLeader = Regex.Match(result.Stdout, @"PASS wait leader 20s: (n\d) ").Groups[1].Value;
        Assert.Matches(@"event n\d cable pulled", result.Stdout);
        Assert.Contains($"event {firstLeader} cable pulled", result.Stdout, StringComparison.Ordinal);
        Assert.Matches($@"PASS expect partition @last minority\|isolated 20s: {firstLeader} is (minority|isolated)", result.Stdout);

        // While cut: the old leader is not leader, the other two have one.
        var cut = StatusBlock(result.Stdout, 0);
        Assert.DoesNotContain(cut, s => s.Id == firstLeader && s.Role == "leader");
        Assert.Single(cut, s => s.Role == "leader");

        // Healed: one leader that everyone names, every node healthy with the same 5 keys and no lag.
        var healed = StatusBlock(result.Stdout, 1);
        Assert.Equal(3, healed.Count);
        var leader = Assert.Single(healed, s => s.Role == "leader");
        Assert.All(healed, s =>
        {
            Assert.Equal(leader.Id, s.Leader);
            Assert.Equal("healthy", s.Partition);
            Assert.Equal(5, s.Keys);
            Assert.Equal(0, s.Lag);
        });

        // --data-dir keeps each node's LiteDB file and log.
        Assert.All(["n1", "n2", "n3"], n => Assert.True(File.Exists(Path.Combine(dir.Path, n, "agent.log")), n));
    }

    [Fact]
    public async Task Commands_on_stdin_drive_a_fleet_whose_nodes_serve_their_own_api_and_survive_a_kill()
    {
        var basePort = PortRun.FreeBase(2);
        using var dir = new TempDir(); // even a killed emulator leaves nothing behind
        using var child = new ChildProcess(["emulate", "--nodes", "2", "--data-dir", dir.Path, "--base-port", basePort.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var stdin = child.Process.StandardInput;
        await stdin.WriteLineAsync("wait leader 20s\nwrite n1 lab/before-kill 1\nwait converged 20s\nkill n2\nwrite n1 lab/while-down 2\nstart n2\nwait converged 20s");
        await stdin.FlushAsync();
        await Eventually.TrueAsync(() => Regex.Count(child.Stdout, "PASS wait converged") == 2 || child.HasExited, "the fleet converges after n2's restart", Deadline, () => child.Stdout + child.Stderr);
        Assert.True(child.Stdout.Contains("event n2 restarted with its data (1 keys on disk)", StringComparison.Ordinal), child.Stdout + child.Stderr);

        // Node 2's own HTTP API, through the ordinary CLI: it caught up with what it missed.
        var get = await EdgesyncCli.RunAsync("get", "lab/while-down", "--api", $"http://127.0.0.1:{basePort + 2}");
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Contains("2", get.Stdout, StringComparison.Ordinal);

        // A failed expectation makes the exit code 1.
        await stdin.WriteLineAsync("expect partition n1 isolated 500ms\nquit");
        stdin.Close();
        var code = await child.WaitForExitAsync(Deadline);
        Assert.Equal(1, code);
        Assert.Contains("FAIL expect partition n1 isolated 500ms: not within 0.5 s (n1 is healthy)", child.Stdout, StringComparison.Ordinal);
        Assert.Contains("done: 1 failure(s)", child.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_script_line_is_exit_2_before_anything_starts()
    {
        using var dir = new TempDir();
        var script = dir.File("bad.txt", "wait leader\npull n7\n");
        var result = await RunAsync(["emulate", "--nodes", "3", "--script", script]);
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.Equal($"edgesync: {script} line 2: 'n7' is not a node: use n1..n3, 1..3, @leader or @last", line);
        Assert.Equal("", result.Stdout);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("10")]
    public async Task A_bad_node_count_is_exit_2(string nodes)
    {
        var result = await RunAsync(["emulate", "--nodes", nodes, "--script", "/nonexistent"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"edgesync: --nodes must be 1-9 (got {nodes})", Assert.Single(result.StderrLines));
    }

    private static async Task<CliResult> RunAsync(string[] args)
    {
        using var child = new ChildProcess(args);
        child.Process.StandardInput.Close();
        var code = await child.WaitForExitAsync(Deadline);
        return new CliResult(code, child.Stdout, child.Stderr);
    }

    /// <summary>The n-th group of consecutive "status" lines.</summary>
    private static List<StatusLine> StatusBlock(string stdout, int index)
    {
        var blocks = new List<List<StatusLine>>();
        var previousWasStatus = false;
        foreach (var line in stdout.Split('\n'))
        {
            var m = StatusPattern().Match(line);
            if (!m.Success)
            {
                // Events may interleave with the block; only a result line ends it.
                previousWasStatus &= line.Contains(" event ", StringComparison.Ordinal);
                continue;
            }

            if (!previousWasStatus)
            {
                blocks.Add([]);
            }

            blocks[^1].Add(new StatusLine(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value, int.Parse(m.Groups[5].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups[6].Value, System.Globalization.CultureInfo.InvariantCulture)));
            previousWasStatus = true;
        }

        Assert.True(blocks.Count > index, $"status block {index} missing: {stdout}");
        return blocks[index];
    }

    [GeneratedRegex(@"status (n\d) up role=(\w+) leader=(\w+) term=\d+ partition=(\w+) keys=(\d+) lag=(\d+) ")]
    private static partial Regex StatusPattern();

    private sealed record StatusLine(string Id, string Role, string Leader, string Partition, int Keys, int Lag);
}
