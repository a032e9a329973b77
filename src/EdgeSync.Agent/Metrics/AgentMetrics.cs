using System.Diagnostics.Metrics;
using EdgeSync.Agent.Hosting;
using EdgeSync.Agent.Storage;

namespace EdgeSync.Agent.Metrics;

/// <summary>The agent's instruments (System.Diagnostics.Metrics), exported by <see cref="PrometheusExporter"/>.</summary>
public sealed class AgentMetrics : IDisposable
{
    public const string MeterName = "EdgeSync";

    private readonly Meter _meter;
    private readonly Counter<long> _writes;
    private readonly Counter<long> _reads;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _writeSeconds;

    /// <param name="exporter">Scopes the meter to this agent's exporter, so agents sharing a process (the emulator) keep their numbers apart.</param>
    public AgentMetrics(AgentStore host, PrometheusExporter exporter)
    {
        var store = host.Service;
        _meter = new Meter(new MeterOptions(MeterName) { Scope = exporter });
        _writes = _meter.CreateCounter<long>("edgesync.writes", description: "Local writes acknowledged, by operation.");
        _reads = _meter.CreateCounter<long>("edgesync.reads", description: "Reads answered, by operation.");
        _errors = _meter.CreateCounter<long>("edgesync.http.errors", description: "HTTP error responses, by error code.");
        _writeSeconds = _meter.CreateHistogram<double>("edgesync.write.duration", unit: "s", description: "Time from request to durable acknowledgement.");
        _meter.CreateObservableCounter("edgesync.batch.commits", () => store.Batches, description: "Group-commit batches made durable.");
        _meter.CreateObservableCounter("edgesync.store.listener.failures", () => store.ListenerFailures, description: "Handlers of committed changes (push, changes feed) that threw; the writes stayed durable and were answered.");
        _meter.CreateObservableGauge("edgesync.keys", () => store.Read(r => r.LiveKeys), description: "Live (not deleted) keys in the replica.");
        _meter.CreateObservableCounter("edgesync.siblings.created", () => store.Read(r => r.Stats.SiblingsCreated), description: "Sibling values created by concurrent writes.");
        _meter.CreateObservableCounter("edgesync.siblings.overflows", () => store.Read(r => r.Stats.SiblingOverflows), description: "Replicated states kept above Store:MaxSiblings.");
        _meter.CreateObservableCounter("edgesync.replicated.applied", () => store.Read(r => r.Stats.RemoteApplied), description: "Replicated states that changed this replica.");
        _meter.CreateObservableCounter("edgesync.tombstones.purged", () => store.Read(r => r.Stats.TombstonesPurged), description: "Causally stable tombstones purged.");
        if (host.Storage is LiteDbReplicaStorage lite)
        {
            _meter.CreateObservableCounter("edgesync.store.log.syncs", () => lite.DurableCommits, description: "Write-ahead-log syncs (durable commits).");
            _meter.CreateObservableCounter("edgesync.store.flushes", () => lite.Flushes, description: "Batches of committed changes written to LiteDB.");
            _meter.CreateObservableGauge("edgesync.store.pending", () => store.Read(_ => lite.PendingKeys), description: "Committed keys not yet written to LiteDB (held in memory and in the write-ahead log).");
        }
    }

    public void Write(string op, TimeSpan elapsed)
    {
        _writes.Add(1, new KeyValuePair<string, object?>("op", op));
        _writeSeconds.Record(elapsed.TotalSeconds);
    }

    public void Read(string op) => _reads.Add(1, new KeyValuePair<string, object?>("op", op));

    public void Error(string code) => _errors.Add(1, new KeyValuePair<string, object?>("code", code));

    public void Dispose() => _meter.Dispose();
}
