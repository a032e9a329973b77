namespace EdgeSync.Benchmarks;

/// <summary>Percentiles of a set of latencies in milliseconds.</summary>
public sealed record Latency(double P50, double P99, double Mean)
{
    public static Latency Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0)
        {
            return new Latency(double.NaN, double.NaN, double.NaN);
        }

        var sorted = samples.Order().ToArray();
        return new Latency(At(sorted, 0.50), At(sorted, 0.99), sorted.Average());
    }

    private static double At(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
}
