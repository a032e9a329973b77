using System.Text.RegularExpressions;
using EdgeSync.Agent.Emulation;
using EdgeSync.Agent.Tests.Process;
using EdgeSync.Agent.Tests.Support;

namespace EdgeSync.Agent.Tests.Emulation;

/// <summary>The emulated fleet hosted in the test process: agents sharing a process keep their own state.</summary>
public sealed class EmulatedFleetTests
{
    [Fact]
    public async Task Two_agents_in_one_process_elect_replicate_and_keep_their_own_metrics()
    {
        using var dir = new TempDir();
        await using var fleet = await EmulatedFleet.StartAsync(new EmulatorOptions { Nodes = 2, BasePort = PortRun.FreeBase(2), DataDir = dir.Path }, CancellationToken.None);
        using var writer = new NodeWriter();
        await Eventually.TrueAsync(() => EmulatedFleet.AgreedLeader(fleet.Snapshot()) is not null, "a leader both nodes name", TimeSpan.FromSeconds(30));

        await writer.WriteAsync(fleet.Node(1), "m/a", "1", CancellationToken.None);
        await writer.WriteAsync(fleet.Node(1), "m/b", "2", CancellationToken.None);
        Assert.Equal(1, await writer.IncrementAsync(fleet.Node(2), CancellationToken.None));
        Assert.Equal(2, await writer.IncrementAsync(fleet.Node(2), CancellationToken.None));
        await Eventually.TrueAsync(() => EmulatedFleet.Converged(fleet.Snapshot()), "both replicas hold the same 3 keys", TimeSpan.FromSeconds(30));
        Assert.All(fleet.Snapshot(), s => Assert.Equal(3, s.Keys));

        using var http = new HttpClient();
        var m1 = await http.GetStringAsync(new Uri($"http://127.0.0.1:{fleet.Node(1).ApiPort}/metrics"));
        var m2 = await http.GetStringAsync(new Uri($"http://127.0.0.1:{fleet.Node(2).ApiPort}/metrics"));
        Assert.Single(Regex.Matches(m1, "^edgesync_keys ", RegexOptions.Multiline));
        Assert.Contains("edgesync_writes_total{op=\"put\"} 2\n", m1, StringComparison.Ordinal);
        Assert.Contains("edgesync_writes_total{op=\"put\"} 2\n", m2, StringComparison.Ordinal); // two increments
        Assert.DoesNotContain("edgesync_writes_total{op=\"put\"} 4", m1 + m2, StringComparison.Ordinal);

        // A pulled cable is seen by both sides; the virtual partition LED follows.
        fleet.Pull(fleet.Node(2));
        await Eventually.TrueAsync(() => fleet.Node(2).Snapshot() is { Partition: "isolated" or "minority", Leds.Partition.Pattern: "on" or "blink-fast" }, "n2 cut off, its partition LED on", TimeSpan.FromSeconds(30), () => fleet.Node(2).Snapshot().ToString());
        Assert.Contains(fleet.Events.Last(50), e => e.Text == "n2 cable pulled");
    }
}
