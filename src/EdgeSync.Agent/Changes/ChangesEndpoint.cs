using System.Buffers;
using System.Globalization;
using System.Text.Json;
using EdgeSync.Agent.Http;
using EdgeSync.Core.Store;

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
        var since = ParseSince(ctx) ?? feed.Last; // without 'since', from now on
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
            var (events, gap, next) = feed.After(since);
            if (gap)
            {
                await ctx.Response.WriteAsync($"event: gap\ndata: {{\"since\":{since},\"message\":\"older changes are gone; list the keys again\"}}\n\n", stop);
            }

            foreach (var e in events)
            {
                since = e.Seq;
                if (e.Change.Key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    Write(pending, e);
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

    /// <summary>Appends one change as a server-sent event, UTF-8 straight into <paramref name="buffer"/>.</summary>
    public static void Write(ArrayBufferWriter<byte> buffer, ChangeEvent e)
    {
        Ascii(buffer, string.Create(CultureInfo.InvariantCulture, $"id: {e.Seq}\nevent: change\ndata: "));
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("seq", e.Seq);
            w.WriteString("kind", KindName(e.Change.Kind));
            w.WriteString("key", e.Change.Key);
            var read = ReadResult.From(e.Change.Key, e.Change.State);
            w.WriteStartArray("values");
            foreach (var value in read.Values)
            {
                w.WriteRawValue(value.Value!, skipInputValidation: true);
            }

            w.WriteEndArray();
            w.WriteBoolean("deleted", !read.Found);
            w.WriteBoolean("conflict", read.Conflict);
            w.WriteString("context", read.Context.Encode());
            w.WriteString("at", e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }

        Ascii(buffer, "\n\n");
    }

    private static void Ascii(ArrayBufferWriter<byte> buffer, string text)
    {
        var span = buffer.GetSpan(text.Length);
        var n = System.Text.Encoding.ASCII.GetBytes(text, span);
        buffer.Advance(n);
    }

    private static string KindName(ChangeKind kind) => kind switch
    {
        ChangeKind.LocalWrite => "put",
        ChangeKind.LocalDelete => "delete",
        ChangeKind.Replicated => "replicated",
        _ => "purged",
    };

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
