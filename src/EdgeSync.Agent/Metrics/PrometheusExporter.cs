using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace EdgeSync.Agent.Metrics;

/// <summary>
/// A small MeterListener that aggregates the agent's instruments in memory and renders them in
/// the Prometheus text format (0.0.4). Counters add up; observable instruments keep the value
/// their callback last reported; histograms use fixed latency buckets.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<Instrument, Dictionary<string, Series>> _data = [];

    /// <summary>The .NET runtime's own meter (GC, heap, thread pool, CPU): process-wide, so shared by agents in one process.</summary>
    public const string RuntimeMeterName = "System.Runtime";

    public PrometheusExporter(params string[] meterNames)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // A meter scoped to another exporter belongs to another agent in this process (the emulator).
            if (meterNames.Contains(instrument.Meter.Name, StringComparer.Ordinal) && (instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, this)))
            {
                lock (_gate)
                {
                    _data[instrument] = new Dictionary<string, Series>(StringComparer.Ordinal);
                }

                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public string Render()
    {
        _listener.RecordObservableInstruments();
        var sb = new StringBuilder();
        lock (_gate)
        {
            foreach (var (instrument, series) in _data.OrderBy(d => d.Key.Name, StringComparer.Ordinal))
            {
                var (name, type) = NameOf(instrument);
                sb.Append("# HELP ").Append(name).Append(' ').Append(instrument.Description ?? instrument.Name).Append('\n');
                sb.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
                foreach (var (labels, s) in series.OrderBy(s => s.Key, StringComparer.Ordinal))
                {
                    if (s.BucketCounts is { } counts)
                    {
                        long cumulative = 0;
                        for (var b = 0; b < Buckets.Length; b++)
                        {
                            cumulative += counts[b];
                            Line(sb, name + "_bucket", Join(labels, $"le=\"{Num(Buckets[b])}\""), cumulative);
                        }

                        Line(sb, name + "_bucket", Join(labels, "le=\"+Inf\""), s.Count);
                        Line(sb, name + "_sum", labels, s.Value);
                        Line(sb, name + "_count", labels, s.Count);
                    }
                    else
                    {
                        Line(sb, name, labels, s.Value);
                    }
                }
            }
        }

        return sb.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var v = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        var labels = Labels(tags);
        lock (_gate)
        {
            if (!_data.TryGetValue(instrument, out var series))
            {
                return;
            }

            if (!series.TryGetValue(labels, out var s))
            {
                series[labels] = s = new Series(instrument is Histogram<T> ? new long[Buckets.Length] : null);
            }

            switch (instrument)
            {
                case Histogram<T>:
                    var b = Array.FindIndex(Buckets, le => v <= le);
                    if (b >= 0)
                    {
                        s.BucketCounts![b]++;
                    }

                    s.Count++;
                    s.Value += v;
                    break;
                case ObservableCounter<T> or ObservableGauge<T> or ObservableUpDownCounter<T>:
                    s.Value = v;
                    break;
                default:
                    s.Value += v;
                    break;
            }
        }
    }

    private static (string Name, string Type) NameOf(Instrument i)
    {
        var name = i.Name.Replace('.', '_').Replace('-', '_');
        if (i.Unit == "s")
        {
            name += "_seconds";
        }
        else if (i.Unit == "By")
        {
            name += "_bytes";
        }

        var type = i.GetType().Name switch
        {
            var t when t.StartsWith("Histogram", StringComparison.Ordinal) => "histogram",
            var t when t.StartsWith("Counter", StringComparison.Ordinal) || t.StartsWith("ObservableCounter", StringComparison.Ordinal) => "counter",
            _ => "gauge",
        };
        return (type == "counter" ? name + "_total" : name, type);
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return string.Empty;
        }

        var parts = new List<string>(tags.Length);
        foreach (var (key, value) in tags)
        {
            var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
            // Prometheus label names allow no dots (the runtime's are like gc.heap.generation).
            parts.Add($"{key.Replace('.', '_')}=\"{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"");
        }

        parts.Sort(StringComparer.Ordinal);
        return string.Join(',', parts);
    }

    private static string Join(string labels, string extra) => labels.Length == 0 ? extra : labels + "," + extra;

    private static void Line(StringBuilder sb, string name, string labels, double value)
    {
        sb.Append(name);
        if (labels.Length > 0)
        {
            sb.Append('{').Append(labels).Append('}');
        }

        sb.Append(' ').Append(Num(value)).Append('\n');
    }

    private static string Num(double v) => v.ToString(CultureInfo.InvariantCulture);

    private sealed class Series(long[]? bucketCounts)
    {
        public long[]? BucketCounts { get; } = bucketCounts;

        public long Count { get; set; }

        public double Value { get; set; }
    }
}
