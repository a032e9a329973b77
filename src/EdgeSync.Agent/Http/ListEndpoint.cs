using System.Globalization;
using EdgeSync.Agent.Metrics;
using EdgeSync.Agent.Storage;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Http;

/// <summary>GET /v1/kv?prefix=P&amp;limit=N&amp;after=CURSOR — live keys in key order, a page at a time.</summary>
public sealed class ListEndpoint(ReplicaService store, RequestGate gate, AgentMetrics metrics)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public async Task ListAsync(HttpContext ctx)
    {
        var opts = RequestOptions.Parse(ctx);
        var query = ctx.Request.Query;
        var prefix = (string?)query["prefix"] ?? string.Empty;
        if (prefix.Length > 0 && KeyRules.Validate(prefix) is { } problem)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidParameter, $"Bad prefix: {problem}");
        }

        var after = (string?)query["after"];
        if (after is { Length: > 0 } && KeyRules.Validate(after) is { } afterProblem)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidParameter, $"Bad cursor 'after': {afterProblem}");
        }

        var limit = DefaultLimit;
        if ((string?)query["limit"] is { Length: > 0 } l
            && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidParameter, $"Bad limit '{l}'; use a number from 1 to {MaxLimit}.");
        }

        await gate.PrepareAsync(ctx, opts);
        var page = store.Read(r => r.List(prefix, string.IsNullOrEmpty(after) ? null : after, limit));
        metrics.Read("list");
        var session = opts.Session.Clone();
        foreach (var state in page)
        {
            KvEndpoints.AddUpdates(session, state);
        }

        ctx.Response.Headers[RequestOptions.SessionHeader] = session.Encode();
        await JsonOut.WriteAsync(ctx, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("items");
            foreach (var state in page)
            {
                var read = ReadResult.From(state.Key, state);
                w.WriteStartObject();
                w.WriteString("key", state.Key);
                KvEndpoints.WriteValues(w, read.Values);
                w.WriteBoolean("conflict", read.Conflict);
                w.WriteString("context", read.Context.Encode());
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (page.Count == limit)
            {
                w.WriteString("next", page[^1].Key);
            }
            else
            {
                w.WriteNull("next");
            }

            // Listing is served from this replica: that is the level reached, whatever was asked.
            w.WriteString("consistency", RequestOptions.Name(Hosting.ConsistencyLevel.One));
            w.WriteEndObject();
        });
    }
}
