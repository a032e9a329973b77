using System.Collections.Concurrent;
using EdgeSync.Agent.Tests.Support;

namespace EdgeSync.Agent.Tests.Fleet;

/// <summary>Issue 4: the broker dies under write load and comes back; every acknowledged write reaches every node.</summary>
[Collection(FleetCollection.Name)]
public sealed class BrokerRestartTests
{
    [Theory]
    [InlineData(TestBroker.Mosquitto)]
    [InlineData(TestBroker.Embedded)]
    public async Task Broker_killed_and_restarted_mid_load_loses_nothing(string broker)
    {
        await using var rig = await FleetRig.StartAsync(broker);
        var acked = rig.Members.ToDictionary(m => m.Id, _ => new ConcurrentQueue<string>());
        using var stop = new CancellationTokenSource();
        var writers = rig.Members.Select(m => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var key = $"load/{m.Id}/{i:D5}";
                await m.Api.PutAsync(key, $"{{\"i\":{i}}}");
                acked[m.Id].Enqueue(key);
            }
        })).ToList();

        async Task MoreWrites(string when)
        {
            var from = acked.ToDictionary(a => a.Key, a => a.Value.Count);
            try
            {
                // Generous: a loaded CI machine runs other fleets beside this one.
                await rig.WaitAsync(() => Task.FromResult(acked.All(a => a.Value.Count >= from[a.Key] + 20) || writers.Any(w => w.IsFaulted)), $"20 more writes on every node {when}", TimeSpan.FromSeconds(40));
            }
            catch (TimeoutException e)
            {
                // Which node stalled, and whether it stalled from the start.
                var progress = string.Join(", ", acked.Select(a => $"{a.Key} {from[a.Key]} → {a.Value.Count}"));
                throw new TimeoutException($"{e.Message}{Environment.NewLine}acknowledged writes per node: {progress}", e);
            }

            Assert.DoesNotContain(writers, w => w.IsFaulted);
        }

        await MoreWrites("before the broker dies");
        await rig.Broker.KillAsync();
        await rig.WaitAsync(async () => (await rig.StatusesAsync()).All(s => s["broker"]!["connected"]!.GetValue<bool>() == false), "every node sees the broker gone");
        await MoreWrites("while the broker is down");
        await rig.Broker.StartAsync();
        await rig.WaitAsync(async () => (await rig.StatusesAsync()).All(s => s["broker"]!["connected"]!.GetValue<bool>()), "every node reconnected", TimeSpan.FromSeconds(30));
        await MoreWrites("after the restart");
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var all = acked.Values.SelectMany(q => q).ToHashSet(StringComparer.Ordinal);
        await rig.WaitAsync(async () =>
        {
            foreach (var m in rig.Members)
            {
                var keys = await m.Api.KeysAsync("load/");
                if (!all.IsSubsetOf(keys))
                    return false;
            }

            return true;
        }, $"all {all.Count} acknowledged writes on every node", TimeSpan.FromSeconds(30));
        foreach (var m in rig.Members)
            Assert.Equal(all.Count, (await m.Api.KeysAsync("load/")).Count);
    }
}
