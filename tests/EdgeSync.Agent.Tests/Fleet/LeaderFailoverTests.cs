using System.Globalization;
using EdgeSync.Agent.Tests.Support;
using Xunit.Abstractions;

namespace EdgeSync.Agent.Tests.Fleet;

/// <summary>
/// Issue 5 on Mosquitto: pull the leader's cable; the majority elects a new leader with a higher term
/// within the default bound (3 s), the cut-off node says it is not leader and is minority/isolated;
/// re-plug: exactly one leader, data converges. Every node's status is polled throughout and checked for
/// two simultaneous leaders. Issue 7 across processes: each node's virtual LEDs (Gpio:Driver=virtual, shown
/// in /v1/status) follow — the leader LED is lit on the old leader, goes dark on it once cut off while its
/// partition LED shows minority (on) or isolated (fast blink), and lights on the new leader instead. EDGESYNC_TEST_FAILOVER_RUNS=N repeats the failover N times (median, max).
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class LeaderFailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Pulling_the_leaders_cable_elects_a_new_leader_within_the_bound_and_never_two()
    {
        var runs = int.TryParse(Environment.GetEnvironmentVariable("EDGESYNC_TEST_FAILOVER_RUNS"), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;
        await using var rig = await FleetRig.StartAsync(TestBroker.Mosquitto);
        await using var watch = new LeaderWatch(rig.Members);
        var failovers = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var (leader, term) = await OneLeaderAsync(rig);
            await LeaderLedOnlyOnAsync(rig, leader);
            var cut = rig[leader];
            var pulledAt = watch.Clock.Elapsed.TotalMilliseconds;
            cut.Cable.Pull();

            StatusSample? elected = null;
            await rig.WaitAsync(() =>
            {
                elected = watch.Samples.FirstOrDefault(s => s.Node != leader && s.ClaimsLeader && s.Term > term && s.SentMs >= pulledAt);
                return Task.FromResult(elected is not null);
            }, $"the majority elects a new leader after {leader} (term {term}) was cut off", TimeSpan.FromSeconds(10));
            var failover = elected!.ReceivedMs - pulledAt;
            failovers.Add(failover);
            output.WriteLine($"run {run + 1}: {leader} (term {term}) cut off; {elected.Node} leads term {elected.Term} after {failover:0} ms");
            Assert.True(failover <= Bound.TotalMilliseconds, $"failover took {failover:0} ms (bound {Bound.TotalMilliseconds} ms)");

            await rig.WaitAsync(async () =>
            {
                var s = await cut.Api.StatusAsync();
                return (string?)s["role"] != "leader" && (string?)s["partition"] is "minority" or "isolated"
                    && (await cut.Api.LeaderAsync())["self"]!.GetValue<bool>() == false;
            }, $"{leader} reports not-leader and minority/isolated");

            await rig.WaitAsync(async () =>
            {
                var leds = (await cut.Api.StatusAsync())["leds"]!;
                return (string?)leds["driver"] == "virtual" && (string?)leds["leader"] == "off"
                    && (string?)leds["partition"] is "on" or "blink-fast";
            }, $"{leader}'s leader LED goes dark and its partition LED shows minority (on) or isolated (blink-fast)");
            await rig.WaitAsync(async () =>
            {
                var leds = (await rig[elected.Node].Api.StatusAsync())["leds"]!;
                return (string?)leds["leader"] == "on" && (string?)leds["partition"] == "blink-slow";
            }, $"the leader LED lights on the new leader {elected.Node}, whose partition LED shows degraded (blink-slow)");

            // Both sides write while split; the heal must keep everything.
            var majority = rig[elected.Node];
            await majority.Api.PutAsync($"failover/{run}/majority", $"{run}");
            await cut.Api.PutAsync($"failover/{run}/cut", $"{run}");
            cut.Cable.Plug();

            var (after, afterTerm) = await OneLeaderAsync(rig);
            Assert.True(afterTerm > term, $"term after the heal ({afterTerm}) is above {term}");
            await LeaderLedOnlyOnAsync(rig, after);
            output.WriteLine($"run {run + 1}: healed, {after} leads term {afterTerm}");
            await rig.WaitConvergedAsync(new Dictionary<string, string[]>
            {
                [$"failover/{run}/majority"] = [$"{run}"],
                [$"failover/{run}/cut"] = [$"{run}"],
            });
        }

        var samples = await watch.StopAsync();
        var violations = LeaderOverlap.Violations(samples, stalenessMs: 100);
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
        foreach (var node in samples.GroupBy(s => s.Node))
        {
            var gaps = node.OrderBy(s => s.SentMs).Zip(node.OrderBy(s => s.SentMs).Skip(1), (a, b) => b.SentMs - a.SentMs).DefaultIfEmpty(0);
            output.WriteLine($"{node.Key}: {node.Count()} status polls, largest gap {gaps.Max():0} ms");
            Assert.True(node.Count() >= 20, $"{node.Key} was polled only {node.Count()} times");
        }

        var sorted = failovers.Order().ToList();
        output.WriteLine($"failover over {runs} run(s): median {sorted[sorted.Count / 2]:0} ms, max {sorted[^1]:0} ms");
    }

    /// <summary>Waits until the leader LED is lit on <paramref name="leader"/> only and every partition LED is off (healthy).</summary>
    private static Task LeaderLedOnlyOnAsync(FleetRig rig, string leader) =>
        rig.WaitAsync(async () =>
        {
            var statuses = await rig.StatusesAsync();
            return statuses.All(s =>
                (string?)s["leds"]!["driver"] == "virtual"
                && (string?)s["leds"]!["leader"] == ((string?)s["nodeId"] == leader ? "on" : "off")
                && (string?)s["leds"]!["partition"] == "off");
        }, $"the leader LED lit on {leader} only, every partition LED off");

    /// <summary>Waits until every node names the same leader and term, exactly one node claims the role, and all are healthy.</summary>
    private static async Task<(string Leader, long Term)> OneLeaderAsync(FleetRig rig)
    {
        (string, long) found = default;
        await rig.WaitAsync(async () =>
        {
            var statuses = await rig.StatusesAsync();
            var leaders = statuses.Select(s => (string?)s["leader"]).Distinct().ToList();
            var terms = statuses.Select(s => (long)s["term"]!).Distinct().ToList();
            var claiming = statuses.Where(s => (string?)s["role"] == "leader").ToList();
            if (leaders is [{ } leader] && terms is [var term] && claiming.Count == 1 && (string?)claiming[0]["nodeId"] == leader
                && statuses.All(s => (string?)s["partition"] == "healthy"))
            {
                found = (leader, term);
                return true;
            }

            return false;
        }, "exactly one leader that every node names, all healthy", TimeSpan.FromSeconds(20));
        return found;
    }
}
