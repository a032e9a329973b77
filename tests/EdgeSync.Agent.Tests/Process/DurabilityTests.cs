using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace EdgeSync.Agent.Tests.Process;

/// <summary>
/// SPEC §2: an acknowledged write survives kill -9. Several clients write over HTTP, the agent is
/// SIGKILLed while they are writing, restarted on the same data directory, and every write that
/// got a 200 must be there with its value. Cycles: 3 by default, EDGESYNC_SOAK_CYCLES for a soak.
/// </summary>
public sealed class DurabilityTests(ITestOutputHelper output) : IDisposable
{
    private const int Writers = 8;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Every_acknowledged_write_survives_sigkill_mid_stream()
    {
        var cycles = int.TryParse(Environment.GetEnvironmentVariable("EDGESYNC_SOAK_CYCLES"), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 3;
        var acked = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var lastCounter = new ConcurrentDictionary<int, long>();
        var random = new Random(1234);

        for (var cycle = 1; cycle <= cycles; cycle++)
        {
            await using var agent = await AgentProcess.StartAsync(_dir.Path, "durable");
            await VerifyAsync(agent, acked, lastCounter, $"after restart {cycle - 1}");

            // Kill at a different point each cycle, while all writers are still going.
            var killAfter = 100 + random.Next(200);
            var ackedThisCycle = 0;
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                using var http = new HttpClient { BaseAddress = agent.Url, Timeout = TimeSpan.FromSeconds(10) };
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var key = $"d/{cycle}/{w}/{i}";
                    var value = $"{{\"cycle\":{cycle},\"writer\":{w},\"i\":{i},\"pad\":\"{new string('x', i % 200)}\"}}";
                    var counterValue = (cycle * 1_000_000L) + i;
                    try
                    {
                        using var put = await http.PutAsync("v1/kv/" + key, new StringContent(value, Encoding.UTF8, "application/json"));
                        if (put.StatusCode != HttpStatusCode.OK)
                        {
                            throw new InvalidOperationException($"PUT {key} answered {put.StatusCode}");
                        }

                        acked[key] = value;
                        using var over = await http.PutAsync($"v1/kv/d/overwrite/{w}", new StringContent(counterValue.ToString(CultureInfo.InvariantCulture)));
                        if (over.StatusCode == HttpStatusCode.OK)
                        {
                            lastCounter[w] = counterValue;
                        }

                        Interlocked.Increment(ref ackedThisCycle);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        return; // The agent is gone: this write was never acknowledged.
                    }
                }
            })).ToList();

            while (Volatile.Read(ref ackedThisCycle) < killAfter && !stop.IsCancellationRequested && writers.Any(t => !t.IsCompleted))
            {
                await Task.WhenAny(Task.WhenAll(writers), Task.Delay(10));
            }

            Assert.True(Volatile.Read(ref ackedThisCycle) >= killAfter, $"cycle {cycle}: only {ackedThisCycle} writes acknowledged before the deadline");
            agent.Kill();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30));
            await stop.CancelAsync();
            output.WriteLine($"cycle {cycle}: killed after {ackedThisCycle} acknowledged writes (start-up {agent.Startup.TotalMilliseconds:0} ms); {acked.Count} in total");
        }

        await using var final = await AgentProcess.StartAsync(_dir.Path, "durable");
        await VerifyAsync(final, acked, lastCounter, $"after restart {cycles}");
        Assert.Equal(0, await final.StopAsync());
    }

    private static async Task VerifyAsync(AgentProcess agent, ConcurrentDictionary<string, string> acked, ConcurrentDictionary<int, long> lastCounter, string when)
    {
        var stored = new Dictionary<string, string>(StringComparer.Ordinal);
        string? after = null;
        do
        {
            var page = await agent.Http.GetStringAsync("v1/kv?prefix=d/&limit=1000" + (after is null ? string.Empty : "&after=" + Uri.EscapeDataString(after)));
            using var doc = JsonDocument.Parse(page);
            foreach (var item in doc.RootElement.GetProperty("items").EnumerateArray())
            {
                stored[item.GetProperty("key").GetString()!] = item.GetProperty("values")[0].GetRawText();
            }

            after = doc.RootElement.GetProperty("next").GetString();
        }
        while (after is not null);

        var missing = acked.Keys.Where(k => !stored.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"{when}: {missing.Count} of {acked.Count} acknowledged writes are missing, e.g. {string.Join(", ", missing.Take(5))}");
        foreach (var (key, value) in acked)
        {
            Assert.True(Normalize(value) == Normalize(stored[key]), $"{when}: {key} holds {stored[key]}, acknowledged {value}");
        }

        foreach (var (writer, counter) in lastCounter)
        {
            var got = long.Parse(stored[$"d/overwrite/{writer}"], CultureInfo.InvariantCulture);
            Assert.True(got >= counter, $"{when}: d/overwrite/{writer} went back to {got} after {counter} was acknowledged");
        }
    }

    private static string Normalize(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(doc.RootElement);
    }
}
