using System.Globalization;

namespace EdgeSync.Benchmarks;

/// <summary>One reading of an agent's <c>/metrics</c> (Prometheus text), summed the ways the fleet benchmark needs.</summary>
public sealed class AgentMetricsText
{
    private readonly List<(string Series, double Value)> _samples;

    private AgentMetricsText(string text) =>
        _samples = [.. text.Split('\n')
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => (l[..l.LastIndexOf(' ')], double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)))];

    public static async Task<AgentMetricsText> ReadAsync(FleetBenchAgent agent) => new(await agent.Http.GetStringAsync("metrics"));

    /// <summary>The sum of a metric's series (over its labels), or of those whose labels contain <paramref name="labelPart"/>.</summary>
    public double Sum(string name, string labelPart = "") => _samples
        .Where(s => (s.Series == name || s.Series.StartsWith(name + "{", StringComparison.Ordinal)) && s.Series.Contains(labelPart, StringComparison.Ordinal))
        .Sum(s => s.Value);

    /// <summary>A histogram's bucket counts summed over its other labels: upper bound (le) → count.</summary>
    public SortedDictionary<double, double> Buckets(string histogram)
    {
        var buckets = new SortedDictionary<double, double>();
        foreach (var (series, value) in _samples.Where(s => s.Series.StartsWith(histogram + "_bucket{", StringComparison.Ordinal)))
        {
            var le = series.IndexOf("le=\"", StringComparison.Ordinal) + 4;
            var bound = series[le..series.IndexOf('"', le)];
            var key = bound == "+Inf" ? double.PositiveInfinity : double.Parse(bound, CultureInfo.InvariantCulture);
            buckets[key] = buckets.GetValueOrDefault(key) + value;
        }

        return buckets;
    }
}
