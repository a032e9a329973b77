using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using EdgeSync.Agent.Config;
using EdgeSync.Agent.Hosting;
using EdgeSync.Agent.Metrics;
using EdgeSync.Agent.Storage;
using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Http;

/// <summary>
/// PUT/GET/DELETE /v1/kv/{key}. Writes go through the group-commit writer and are answered
/// only once durable; reads run between batches. Every answer carries the session token.
/// </summary>
public sealed class KvEndpoints(
    ReplicaService store,
    AgentConfig config,
    RequestGate gate,
    AgentMetrics metrics,
    Security.RecoveryFence fence)
{
    /// <summary>The level a quorum request actually reached, also on its 503 answer.</summary>
    public const string ConsistencyHeader = "EdgeSync-Consistency";

    public async Task PutAsync(HttpContext ctx)
    {
        var key = KeyPath.FromRequest(ctx);
        var opts = RequestOptions.Parse(ctx);
        var json = await ReadValueAsync(ctx);
        ThrowIfRecovering(fence);
        await WriteAsync(ctx, key, opts, "put", (r, sent) => r.Put(key, json, opts.Context, sent));
    }

    public async Task DeleteAsync(HttpContext ctx)
    {
        var key = KeyPath.FromRequest(ctx);
        var opts = RequestOptions.Parse(ctx);
        ThrowIfRecovering(fence);
        await WriteAsync(ctx, key, opts, "delete", (r, sent) => r.Delete(key, opts.Context, sent));
    }

    /// <summary>A recovered store takes local writes only once its peers have re-seeded it (see StoreRecovery).</summary>
    internal static void ThrowIfRecovering(Security.RecoveryFence fence)
    {
        if (fence.Fenced)
        {
            throw new ApiException(StatusCodes.Status503ServiceUnavailable, ErrorCodes.StoreRecovering, $"This node lost its store and is re-seeding from its peers; writes are accepted once every member has answered (waiting for {(fence.Awaiting is { Count: > 0 } awaiting ? string.Join(", ", awaiting) : "the last answers")}; see /v1/status).");
        }
    }

    public async Task GetAsync(HttpContext ctx)
    {
        var key = KeyPath.FromRequest(ctx);
        var opts = RequestOptions.Parse(ctx);
        await gate.PrepareAsync(ctx, opts);
        var (read, reached) = await ReadAsync(ctx, key, opts);
        metrics.Read("get");
        var session = opts.Session.Clone();
        AddUpdates(session, read.State);
        ctx.Response.Headers[RequestOptions.SessionHeader] = session.Encode();
        ctx.Response.Headers[RequestOptions.ContextHeader] = read.Context.Encode();
        if (!read.Found)
        {
            throw new ApiException(StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"Key '{key}' does not exist.");
        }

        await JsonOut.WriteAsync(ctx, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("key", key);
            WriteValues(w, read.Values);
            w.WriteBoolean("conflict", read.Conflict);
            w.WriteString("context", read.Context.Encode());
            w.WriteString("consistency", RequestOptions.Name(reached.Level));
            w.WriteNumber("replicas", reached.Replicas);
            w.WriteEndObject();
        });
    }

    /// <summary>Values are stored as JSON text and returned as JSON, not as strings.</summary>
    public static void WriteValues(Utf8JsonWriter w, IEnumerable<Sibling> values)
    {
        w.WriteStartArray("values");
        foreach (var v in values)
        {
            w.WriteRawValue(v.Value!);
        }

        w.WriteEndArray();
    }

    /// <summary>The node-wide updates a client has now seen through this state (tombstones too).</summary>
    public static void AddUpdates(DotSet session, KeyState? state)
    {
        foreach (var s in state?.Siblings ?? [])
        {
            session.Add(s.Update);
        }
    }

    /// <param name="write">Makes the write; its flag is <c>replicatedByCaller</c> (see <see cref="IConsistencyCoordinator.SendsWrites"/>).</param>
    private async Task WriteAsync(HttpContext ctx, string key, RequestOptions opts, string op, Func<Replica, bool, WriteResult> write)
    {
        await gate.PrepareAsync(ctx, opts);
        var started = Stopwatch.GetTimestamp();
        var sent = gate.Coordinator.SendsWrites(opts.Consistency);
        // Answered on the writer thread: what follows is a few headers and a small JSON body (or, for
        // quorum and all, an await), cheaper than waking a pool thread for it.
        var result = await StoreWrites.WriteAsync(store, r => write(r, sent), answerInline: true);
        if (!result.Ok)
        {
            throw Refused(result);
        }

        metrics.Write(op, Stopwatch.GetElapsedTime(started));
        var session = opts.Session.Clone();
        session.Add(result.Update);
        ctx.Response.Headers[RequestOptions.SessionHeader] = session.Encode();
        var context = result.State!.Context.Encode();
        ctx.Response.Headers[RequestOptions.ContextHeader] = context;
        var reached = await ReplicateAsync(ctx, gate.Coordinator, [result.State], opts);

        await JsonOut.WriteAsync(ctx, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("key", key);
            w.WriteString("context", context);
            w.WriteString("consistency", RequestOptions.Name(reached.Level));
            w.WriteNumber("replicas", reached.Replicas);
            w.WriteEndObject();
        });
    }

    /// <summary>Local for one; otherwise merged from enough replicas (and repaired), or 503 naming the level reached.</summary>
    private async Task<(ReadResult Read, Reach Reached)> ReadAsync(HttpContext ctx, string key, RequestOptions opts)
    {
        var coordinator = gate.Coordinator;
        if (opts.Consistency == ConsistencyLevel.One)
        {
            return (store.Read(r => r.Get(key)), new Reach(ConsistencyLevel.One, 1));
        }

        var outcome = await coordinator.ReadAsync(opts.Consistency, key, opts.Timeout, ctx.RequestAborted);
        return (ReadResult.From(key, outcome.State), Judge(ctx, coordinator, opts, outcome.Replicas, "answered the read"));
    }

    /// <summary>
    /// Wait for the level's durable acks of every one of <paramref name="states"/> (the fewest replicas
    /// count); the writes stay stored here when they do not come.
    /// </summary>
    internal static async Task<Reach> ReplicateAsync(HttpContext ctx, IConsistencyCoordinator coordinator, IReadOnlyList<KeyState> states, RequestOptions opts)
    {
        if (opts.Consistency == ConsistencyLevel.One || states.Count == 0)
        {
            return new Reach(ConsistencyLevel.One, 1);
        }

        var replicas = await coordinator.ReplicateAsync(opts.Consistency, states, opts.Timeout, ctx.RequestAborted);
        var what = states.Count == 1 ? "hold the write (it is stored on this node and will replicate later)" : "hold every write (they are stored on this node and will replicate later)";
        return Judge(ctx, coordinator, opts, replicas, what);
    }

    /// <summary>
    /// The level reached by <paramref name="replicas"/>: met, it reports the level asked for (replicas
    /// tells how many took part); short, a 503 naming the level reached. The header says either.
    /// </summary>
    private static Reach Judge(HttpContext ctx, IConsistencyCoordinator coordinator, RequestOptions opts, int replicas, string what)
    {
        var reach = Reach.Of(replicas, coordinator.Members);
        if (replicas < coordinator.Needed(opts.Consistency))
        {
            ctx.Response.Headers[ConsistencyHeader] = RequestOptions.Name(reach.Level);
            throw Unreached(opts, reach, what);
        }

        ctx.Response.Headers[ConsistencyHeader] = RequestOptions.Name(opts.Consistency);
        return reach with { Level = opts.Consistency };
    }

    private static ApiException Unreached(RequestOptions opts, Reach reach, string what) => new(
        StatusCodes.Status503ServiceUnavailable,
        ErrorCodes.QuorumUnavailable,
        $"consistency={RequestOptions.Name(opts.Consistency)} was not reached (members became unreachable, or the {DurationText.Format(opts.Timeout)} timeout passed): only {reach.Replicas} member(s) {what}; reached consistency={RequestOptions.Name(reach.Level)}.");

    /// <summary>The answer to a write the store refused.</summary>
    internal static ApiException Refused(WriteResult result) => result.Status switch
    {
        WriteStatus.InvalidKey => ApiException.BadRequest(ErrorCodes.InvalidKey, result.Message!),
        WriteStatus.InvalidValue => ApiException.BadRequest(ErrorCodes.InvalidValue, result.Message!),
        WriteStatus.ValueTooLarge => ApiException.BadRequest(ErrorCodes.ValueTooLarge, result.Message!),
        WriteStatus.TooManySiblings => new ApiException(StatusCodes.Status409Conflict, ErrorCodes.TooManySiblings, result.Message!),
        WriteStatus.NotFound => new ApiException(StatusCodes.Status404NotFound, ErrorCodes.NotFound, result.Message!),
        _ => new ApiException(StatusCodes.Status500InternalServerError, ErrorCodes.Internal, result.Message ?? "The write failed."),
    };

    /// <summary>Read the body, stopping as soon as it is over the value limit.</summary>
    private async Task<string> ReadValueAsync(HttpContext ctx)
    {
        var limit = config.Store.MaxValueBytes;
        if (ctx.Request.ContentLength > limit)
        {
            throw TooLarge(ctx.Request.ContentLength.Value, limit);
        }

        // Sized by the length the request gives (nearly all do), one byte over so the end shows without
        // growing: a fixed 16 KB buffer per PUT was a fifth of everything a busy writer allocated.
        var declared = ctx.Request.ContentLength;
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(limit + 1, declared + 1 ?? 1024));
        var body = ctx.Request.Body;
        while (true)
        {
            var memory = buffer.GetMemory(declared is null ? 4096 : 1);
            var n = await body.ReadAsync(memory, ctx.RequestAborted);
            if (n == 0)
            {
                break;
            }

            buffer.Advance(n);
            if (buffer.WrittenCount > limit)
            {
                throw TooLarge(buffer.WrittenCount, limit);
            }
        }

        try
        {
            return StrictUtf8.Encoding.GetString(buffer.WrittenSpan);
        }
        catch (DecoderFallbackException)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidValue, "The value is not valid UTF-8.");
        }
    }

    private static ApiException TooLarge(long got, int limit) => ApiException.BadRequest(
        ErrorCodes.ValueTooLarge, $"The value is larger than {limit} bytes (at least {got}); Store:MaxValueBytes is the limit.");
}
