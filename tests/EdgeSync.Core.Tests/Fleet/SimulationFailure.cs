namespace EdgeSync.Core.Tests.Fleet;

/// <summary>An invariant broke; the message carries the seed so the run can be replayed.</summary>
internal sealed class SimulationFailure(int seed, long realTicks, string problem)
    : Exception($"seed {seed} at {realTicks / TimeSpan.TicksPerMillisecond} ms: {problem}");
