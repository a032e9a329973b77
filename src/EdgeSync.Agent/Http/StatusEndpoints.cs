using System.Diagnostics;
using EdgeSync.Agent.Config;
using EdgeSync.Agent.Hosting;
using EdgeSync.Agent.Metrics;
using EdgeSync.Agent.Storage;

namespace EdgeSync.Agent.Http;

/// <summary>GET /v1/status, /v1/leader, /healthz and /metrics.</summary>
public sealed class StatusEndpoints(
    ReplicaService store,
    AgentConfig config,
    IClusterView cluster,
    ILedStatus leds,
    PrometheusExporter exporter,
    Security.StoreRecovery recovery,
    Security.RecoveryFence fence)
{
    private readonly long _started = Stopwatch.GetTimestamp();

    public Task StatusAsync(HttpContext ctx)
    {
        var (keys, vector, actor) = store.Read(r => (r.LiveKeys, r.Applied.ToBaseVector(), r.Actor));
        var leader = cluster.Leader;
        return JsonOut.WriteAsync(ctx, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("nodeId", config.Node.Id);
            w.WriteString("actor", actor); // the origin this store's updates carry in versionVector and contexts
            w.WriteString("fleet", config.Fleet.Name);
            w.WriteString("role", leader.Role);
            w.WriteString("leader", leader.Leader);
            w.WriteNumber("term", leader.Term);
            w.WriteString("partition", cluster.Partition);
            w.WriteStartArray("peers");
            foreach (var p in cluster.Peers)
            {
                w.WriteStartObject();
                w.WriteString("id", p.Id);
                w.WriteBoolean("reachable", p.Reachable);
                if (p.LastSeenMs is { } seen)
                {
                    w.WriteNumber("lastSeenMs", seen);
                }
                else
                {
                    w.WriteNull("lastSeenMs");
                }

                w.WriteNumber("behind", p.Behind);
                w.WriteNumber("lagMs", (long)p.Lag.TotalMilliseconds);
                w.WriteString("agent", p.Agent);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("broker");
            w.WriteBoolean("connected", cluster.BrokerConnected);
            w.WriteEndObject();
            w.WriteNumber("keys", keys);
            w.WriteStartObject("versionVector");
            foreach (var (node, counter) in vector.Entries)
            {
                w.WriteNumber(node, counter);
            }

            w.WriteEndObject();
            w.WriteStartObject("leds");
            foreach (var (name, state) in leds.Leds)
            {
                w.WriteString(name, state);
            }

            w.WriteEndObject();
            w.WriteStartObject("store");
            w.WriteString("engine", config.Store.Engine);
            w.WriteBoolean("durable", config.Store.Engine == StoreSection.LiteDb && StorageFactory.LiteDbAvailable);
            w.WriteNumber("batches", store.Batches);
            w.WriteBoolean("recovering", recovery.Fenced);
            if (recovery.Fenced)
            {
                // Whom the fence still waits for: a member gone for good is removed from Fleet:Members.
                w.WriteStartArray("awaiting");
                foreach (var member in fence.Awaiting)
                {
                    w.WriteStringValue(member);
                }

                w.WriteEndArray();
            }

            if (recovery.Message is { } recovered)
            {
                w.WriteString("recovered", recovered);
            }
            w.WriteEndObject();
            w.WriteString("version", AgentVersion.Text);
            w.WriteNumber("uptimeMs", (long)Stopwatch.GetElapsedTime(_started).TotalMilliseconds);
            w.WriteEndObject();
        });
    }

    public Task LeaderAsync(HttpContext ctx)
    {
        var leader = cluster.Leader;
        return JsonOut.WriteAsync(ctx, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("leader", leader.Leader);
            w.WriteNumber("term", leader.Term);
            w.WriteBoolean("self", leader.Leader == config.Node.Id);
            w.WriteEndObject();
        });
    }

    public static Task HealthAsync(HttpContext ctx) => JsonOut.WriteAsync(ctx, StatusCodes.Status200OK, w =>
    {
        w.WriteStartObject();
        w.WriteString("status", "ok");
        w.WriteEndObject();
    });

    public async Task MetricsAsync(HttpContext ctx)
    {
        ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await ctx.Response.WriteAsync(exporter.Render(), ctx.RequestAborted);
    }
}
