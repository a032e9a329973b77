using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace EdgeSync.Core.Tests.Simulation;

/// <summary>
/// The fleet simulator over many seeds. Normal run: 1,000 seeds. Soak:
/// <c>EDGESYNC_SOAK_SEEDS=10000 dotnet test tests/EdgeSync.Core.Tests --filter FullyQualifiedName~FleetSimulationTests</c>.
/// Replay one seed: <c>EDGESYNC_SIM_SEED=123</c> with the same filter.
/// </summary>
public sealed class FleetSimulationTests(ITestOutputHelper output)
{
    private const int DefaultSeeds = 1_000;

    [Fact]
    public void EverySeedConvergesWithoutLosingOrResurrectingWrites()
    {
        var seeds = SeedsToRun();
        var failures = new ConcurrentBag<SimResult>();
        var clock = Stopwatch.StartNew();
        long acked = 0;
        long keptTrees = 0;
        Parallel.ForEach(seeds, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            var result = FleetSimulation.Run(seed);
            if (seeds.Count <= 20)
            {
                output.WriteLine($"seed {seed}: {result.Summary} trace {result.TraceHash:x16}");
            }

            if (!result.Ok)
            {
                failures.Add(result);
            }

            Interlocked.Increment(ref acked);
            Interlocked.Add(ref keptTrees, result.KeptTreeStarts);
        });

        output.WriteLine($"{acked} seeds in {clock.Elapsed.TotalSeconds:F1} s, {failures.Count} failed, {keptTrees} restarts took a kept tree");
        var first = failures.OrderBy(f => f.Seed).Take(3).ToList();
        Assert.True(failures.IsEmpty, $"{failures.Count} of {seeds.Count} seeds failed:{Environment.NewLine}{string.Join(Environment.NewLine, first.Select(f => f.Report()))}");

        // The history checker then checked those replicas' leaves against their stores.
        Assert.True(seeds.Count < 100 || keptTrees > 0, "no restart took the tree a clean stop kept");
    }

    [Fact]
    public void TheSameSeedReplaysIdentically()
    {
        var first = FleetSimulation.Run(4242);
        var second = FleetSimulation.Run(4242);
        var other = FleetSimulation.Run(4243);
        Assert.Equal(first.TraceHash, second.TraceHash);
        Assert.Equal(first.Summary, second.Summary);
        Assert.NotEqual(first.TraceHash, other.TraceHash);
    }

    private static List<int> SeedsToRun()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("EDGESYNC_SIM_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var one))
        {
            return [one];
        }

        var count = int.TryParse(Environment.GetEnvironmentVariable("EDGESYNC_SOAK_SEEDS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var soak) && soak > 0
            ? soak
            : DefaultSeeds;
        return [.. Enumerable.Range(1, count)];
    }
}
