using System.Diagnostics;
using System.Text.Json;
using EdgeSync.Agent.Config;
using EdgeSync.Agent.Metrics;
using EdgeSync.Agent.Storage;
using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Http;

/// <summary>
/// <c>POST /v1/batch</c>: many puts and deletes in one request, <c>{"writes":[{"key","value"} or
/// {"key","delete":true}, each with an optional "context"]}</c>. Every write is checked before any is
/// made (one bad write is a 400 naming it, and nothing changes); then all of them go into one commit,
/// one log sync and one push, in order. A write the store refuses on its own merits (too many
/// siblings, deleting a missing key) fails alone and is reported in its place in <c>results</c>.
/// One request per write costs an HTTP exchange and a thread hand-off or two each; this is for
/// clients that gather many (a gateway forwarding sensor readings).
/// </summary>
public sealed class BatchEndpoint(
    ReplicaService store,
    AgentConfig config,
    RequestGate gate,
    AgentMetrics metrics,
    Security.RecoveryFence fence)
{
    /// <summary>Writes per request; a bigger set is split by the client.</summary>
    public const int MaxWrites = 1000;

    // The envelope (object, array, write) around each value: a value may nest as deep as in a PUT.
    private static readonly JsonDocumentOptions Envelope = new() { MaxDepth = ValueRules.MaxDepth + 3 };

    public async Task PostAsync(HttpContext ctx)
    {
        var opts = RequestOptions.Parse(ctx);
        if (opts.Context is not null)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidBatch, $"A batch takes each write's context in the write (\"context\"), not the {RequestOptions.ContextHeader} header.");
        }

        var writes = Validate(await ParseAsync(ctx));
        KvEndpoints.ThrowIfRecovering(fence);
        await gate.PrepareAsync(ctx, opts);
        var started = Stopwatch.GetTimestamp();
        var sent = gate.Coordinator.SendsWrites(opts.Consistency);
        var results = await StoreWrites.WriteAsync(store, r => writes.Select(w => w.Delete ? r.Delete(w.Key, w.Context, sent) : r.Put(w.Key, w.Json!, w.Context, sent)).ToArray());
        var elapsed = Stopwatch.GetElapsedTime(started);
        var session = opts.Session.Clone();
        var refusals = new ApiException?[results.Length];
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i].Ok)
            {
                metrics.Write(writes[i].Delete ? "delete" : "put", elapsed);
                session.Add(results[i].Update);
            }
            else
            {
                refusals[i] = KvEndpoints.Refused(results[i]);
                metrics.Error(refusals[i]!.Code);
            }
        }

        ctx.Response.Headers[RequestOptions.SessionHeader] = session.Encode();
        var reached = await KvEndpoints.ReplicateAsync(ctx, gate.Coordinator, [.. results.Where(r => r.Ok).Select(r => r.State!)], opts);
        await JsonOut.WriteAsync(ctx, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            for (var i = 0; i < results.Length; i++)
            {
                w.WriteStartObject();
                w.WriteString("key", writes[i].Key);
                if (refusals[i] is { } refusal)
                {
                    w.WriteString("error", refusal.Code);
                    w.WriteString("message", refusal.Message);
                }
                else
                {
                    w.WriteString("context", results[i].State!.Context.Encode());
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNumber("failed", refusals.Count(r => r is not null));
            w.WriteString("consistency", RequestOptions.Name(reached.Level));
            w.WriteNumber("replicas", reached.Replicas);
            w.WriteEndObject();
        });
    }

    private static async Task<JsonDocument> ParseAsync(HttpContext ctx)
    {
        try
        {
            // The body's size is bounded by Api:MaxRequestBytes (Kestrel answers 413 past it).
            return await JsonDocument.ParseAsync(ctx.Request.Body, Envelope, ctx.RequestAborted);
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidBatch, $"The body is not valid JSON: {e.Message}");
        }
    }

    /// <summary>Every write checked, in order; the first bad one is the answer.</summary>
    private List<BatchWrite> Validate(JsonDocument doc)
    {
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("writes", out var array) || array.ValueKind != JsonValueKind.Array)
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidBatch, "The body must be {\"writes\": [...]}, each write {\"key\": K, \"value\": V} or {\"key\": K, \"delete\": true}, optionally with \"context\".");
            }

            foreach (var field in doc.RootElement.EnumerateObject())
            {
                if (field.Name != "writes")
                {
                    throw ApiException.BadRequest(ErrorCodes.InvalidBatch, $"Unknown field \"{field.Name}\" beside \"writes\".");
                }
            }

            var count = array.GetArrayLength();
            if (count is 0 or > MaxWrites)
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidBatch, $"A batch holds 1 to {MaxWrites} writes (got {count}).");
            }

            var writes = new List<BatchWrite>(count);
            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                writes.Add(BatchWrite.From(item, index++, config.Store.MaxValueBytes));
            }

            return writes;
        }
    }
}
