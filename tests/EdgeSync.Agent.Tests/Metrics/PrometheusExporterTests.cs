using System.Diagnostics.Metrics;
using EdgeSync.Agent.Metrics;

namespace EdgeSync.Agent.Tests.Metrics;

public sealed class PrometheusExporterTests
{
    [Fact]
    public void Renders_counters_gauges_and_histograms_in_text_format()
    {
        var name = "Test." + Guid.NewGuid().ToString("N");
        using var exporter = new PrometheusExporter(name);
        using var meter = new Meter(name);
        var counter = meter.CreateCounter<long>("demo.requests", description: "Requests.");
        var gauge = 42L;
        meter.CreateObservableGauge("demo.depth", () => gauge);
        var histogram = meter.CreateHistogram<double>("demo.latency", unit: "s");

        counter.Add(2, new KeyValuePair<string, object?>("code", "a\"b"));
        counter.Add(3, new KeyValuePair<string, object?>("code", "a\"b"));
        histogram.Record(0.003);
        histogram.Record(7);

        var text = exporter.Render();
        Assert.Contains("# TYPE demo_requests_total counter", text, StringComparison.Ordinal);
        Assert.Contains("demo_requests_total{code=\"a\\\"b\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("demo_depth 42\n", text, StringComparison.Ordinal);
        Assert.Contains("demo_latency_seconds_bucket{le=\"0.0025\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("demo_latency_seconds_bucket{le=\"0.005\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("demo_latency_seconds_bucket{le=\"+Inf\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("demo_latency_seconds_count 2\n", text, StringComparison.Ordinal);

        gauge = 7;
        Assert.Contains("demo_depth 7\n", exporter.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Dotted_label_names_become_underscores_and_byte_units_a_bytes_suffix()
    {
        var name = "Test." + Guid.NewGuid().ToString("N");
        using var exporter = new PrometheusExporter(name);
        using var meter = new Meter(name);
        meter.CreateCounter<long>("demo.allocated", unit: "By").Add(4096, new KeyValuePair<string, object?>("gc.heap.generation", "gen0"));

        Assert.Contains("demo_allocated_bytes_total{gc_heap_generation=\"gen0\"} 4096\n", exporter.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_runtime_meter_shows_the_processes_garbage_collections_and_cpu()
    {
        using var exporter = new PrometheusExporter(PrometheusExporter.RuntimeMeterName);
        GC.Collect(0);

        var text = exporter.Render();
        Assert.Matches(@"dotnet_gc_collections_total\{gc_heap_generation=""gen0""\} [1-9]", text);
        Assert.Contains("# TYPE dotnet_gc_pause_time_seconds_total counter", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_process_cpu_time_seconds_total{cpu_mode=\"user\"}", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_process_memory_working_set_bytes ", text, StringComparison.Ordinal);
    }
}
