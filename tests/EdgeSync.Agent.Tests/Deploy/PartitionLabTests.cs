using EdgeSync.Agent.Tests.Process;
using Xunit.Abstractions;

namespace EdgeSync.Agent.Tests.Deploy;

/// <summary>
/// tests/lab/partition-lab.sh --demo: network namespaces, veth pairs on a bridge, Mosquitto and
/// three real agents; a cable pulled with `ip link set … down` and re-plugged. Needs root (CI runs
/// as root); elsewhere the test says so and returns.
/// </summary>
public sealed class PartitionLabTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Lab_demo_detects_and_heals_a_real_partition_and_removes_everything_it_created()
    {
        if (!IsRoot())
        {
            output.WriteLine("NOT RUN: the partition lab needs root (network namespaces); CI runs tests/run.sh as root.");
            return;
        }

        var script = RepoRoot.File("tests", "lab", "partition-lab.sh");
        var result = await Shell.RunAsync("bash", [script, "--demo", "--edgesync", AgentBinary.Command], TimeSpan.FromSeconds(180));
        output.WriteLine($"partition-lab.sh --demo: exit {result.ExitCode} in {result.Elapsed.TotalSeconds:F1} s\n{result.Output}");

        Assert.True(result.ExitCode == 0, $"partition lab failed (exit {result.ExitCode}):\n{result.Output}");
        Assert.Contains("ok: n1 reports minority or isolated", result.Output, StringComparison.Ordinal);
        Assert.Contains("ok: writes from both sides read back across the healed cut", result.Output, StringComparison.Ordinal);
        Assert.Contains("partition-lab: demo passed", result.Output, StringComparison.Ordinal);

        // Its names are es<pid>- + b|1..N (namespaces, veth ends) and es<pid>-br (the bridge): none may be left.
        var prefix = $"es{result.Pid}-";
        var namespaces = await Shell.RunAsync("ip", ["netns", "list"], TimeSpan.FromSeconds(10));
        Assert.Equal(0, namespaces.ExitCode);
        Assert.DoesNotContain(namespaces.Output.Split('\n'), l => IsOurs(l.Split(' ')[0], prefix));
        var links = await Shell.RunAsync("ip", ["-o", "link", "show"], TimeSpan.FromSeconds(10));
        Assert.Equal(0, links.ExitCode);
        Assert.DoesNotContain(links.Output.Split('\n'), l => l.Split(": ") is [_, var name, ..] && IsOurs(name.Split('@')[0], prefix));
    }

    private static bool IsOurs(string name, string prefix) => name.StartsWith(prefix, StringComparison.Ordinal);

    /// <summary>Effective uid 0, from /proc/self/status ("Uid: real effective saved fs").</summary>
    public static bool IsRoot() =>
        File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            .Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[2] == "0";
}
