using System.Buffers;
using System.Globalization;
using EdgeSync.Agent.Http;

namespace EdgeSync.Agent.Changes;

/// <summary>
/// <c>GET /v1/changes?since=N&amp;prefix=P</c>: server-sent events, one per applied change, each with
/// its number as the SSE id (so <c>Last-Event-ID</c> resumes too). A comment line every 15 s
/// keeps idle proxies from closing the stream.
/// </summary>
public sealed class ChangesEndpoint(ChangeFeed feed)
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public async Task StreamAsync(HttpContext ctx)
    {
        var since = ParseSince(ctx) ?? feed.Watch(); // without 'since', from now on
        var prefix = (string?)ctx.Request.Query["prefix"] ?? string.Empty;
        var stop = ctx.RequestAborted;
        ctx.Response.StatusCode = StatusCodes.Status200OK;
        ctx.Response.ContentType = "text/event-stream";
        ctx.Response.Headers.CacheControl = "no-cache";
        await ctx.Response.WriteAsync(": edgesync changes\n\n", stop);
        await ctx.Response.Body.FlushAsync(stop);
        var pending = new ArrayBufferWriter<byte>(4096);

        while (!stop.IsCancellationRequested)
        {
            var (events, gap, next, position) = feed.After(since);
            if (gap)
            {
                await ctx.Response.WriteAsync($"event: gap\ndata: {{\"since\":{since},\"message\":\"older changes are gone; list the keys again\"}}\n\n", stop);
            }

            since = position;
            foreach (var e in events)
            {
                since = e.Seq;
                if (e.Key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    pending.Write(e.Frame);
                }
            }

            // One write per wake-up, however many changes it carries.
            if (pending.WrittenCount > 0)
            {
                await ctx.Response.Body.WriteAsync(pending.WrittenMemory, stop);
                pending.ResetWrittenCount();
            }

            await ctx.Response.Body.FlushAsync(stop);
            try
            {
                await next.WaitAsync(KeepAlive, stop);
            }
            catch (TimeoutException)
            {
                await ctx.Response.WriteAsync(": keep-alive\n\n", stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static long? ParseSince(HttpContext ctx)
    {
        var text = (string?)ctx.Request.Query["since"] ?? (string?)ctx.Request.Headers["Last-Event-ID"];
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var since))
        {
            throw new ApiException(StatusCodes.Status400BadRequest, ErrorCodes.InvalidParameter, $"'since' must be a change number (got '{text}').");
        }

        return since;
    }
}
