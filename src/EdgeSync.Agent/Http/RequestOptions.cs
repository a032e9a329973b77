using EdgeSync.Agent.Config;
using EdgeSync.Agent.Hosting;
using EdgeSync.Core.Clocks;

namespace EdgeSync.Agent.Http;

/// <summary>What every /v1/kv request may carry: consistency, timeout, causal context and session token.</summary>
public sealed record RequestOptions(ConsistencyLevel Consistency, TimeSpan Timeout, DotSet Session, DotSet? Context)
{
    public const string ContextHeader = "EdgeSync-Context";
    public const string SessionHeader = "EdgeSync-Session";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(60);

    public static RequestOptions Parse(HttpContext ctx)
    {
        var query = ctx.Request.Query;
        var consistency = (string?)query["consistency"] switch
        {
            null or "" or "one" => ConsistencyLevel.One,
            "quorum" => ConsistencyLevel.Quorum,
            "all" => ConsistencyLevel.All,
            var other => throw ApiException.BadRequest(ErrorCodes.InvalidParameter, $"Unknown consistency level '{other}'; use one, quorum or all."),
        };

        var timeout = DefaultTimeout;
        if ((string?)query["timeout"] is { Length: > 0 } t)
        {
            if (!DurationText.TryParse(t, out timeout) || timeout > MaxTimeout)
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidParameter, $"Bad timeout '{t}'; use {DurationText.Hint}, at most 60s.");
            }
        }

        var session = new DotSet();
        if ((string?)ctx.Request.Headers[SessionHeader] is { Length: > 0 } s && !DotSet.TryDecode(s, out session))
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidSession, $"The {SessionHeader} header is not a session token this API issued.");
        }

        DotSet? context = null;
        if ((string?)ctx.Request.Headers[ContextHeader] is { Length: > 0 } c)
        {
            if (!DotSet.TryDecode(c, out var parsed))
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidContext, $"The {ContextHeader} header is not a causal context this API issued.");
            }

            context = parsed;
        }

        return new RequestOptions(consistency, timeout, session, context);
    }

    public static string Name(ConsistencyLevel level) => level.ToString().ToLowerInvariant();
}
