using System.Buffers;
using System.Text;
using System.Text.Json;
using EdgeSync.Agent.Config;
using EdgeSync.Agent.Storage;
using EdgeSync.Core.Store;
using Microsoft.AspNetCore.Http.Features;

namespace EdgeSync.Agent.Http;

/// <summary>
/// <c>GET /v1/export</c> and <c>POST /v1/import</c>: every key's whole causal state as NDJSON, one
/// key per line, <c>{"key":"k","state":"&lt;base64&gt;"}</c>, tombstones included so deletes stay
/// deleted. An import merges each state the way a replicated update is merged: idempotent, in any
/// order, and an update this node has seen before (deleted and purged since, say) is ignored, never
/// brought back. The export is read a page at a time between batches, not as one snapshot; as with
/// anti-entropy, a merge of such pages converges all the same.
/// </summary>
public sealed class BackupEndpoints(ReplicaService store, AgentConfig config)
{
    private const int Page = 500;
    private const int ImportBatch = 256;

    public async Task ExportAsync(HttpContext ctx)
    {
        var prefix = (string?)ctx.Request.Query["prefix"] ?? string.Empty;
        ctx.Response.StatusCode = StatusCodes.Status200OK;
        ctx.Response.ContentType = "application/x-ndjson";
        string? after = null;
        while (true)
        {
            var page = store.Read(r => r.Export(prefix, after, Page));
            var text = new StringBuilder();
            foreach (var state in page)
            {
                text.Append(Line(state)).Append('\n');
            }

            await ctx.Response.WriteAsync(text.ToString(), ctx.RequestAborted);
            if (page.Count < Page)
            {
                return;
            }

            after = page[^1].Key;
        }
    }

    public async Task ImportAsync(HttpContext ctx)
    {
        // Read line by line, so the body may be far larger than Api:MaxRequestBytes; one line may not.
        if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        var reader = ctx.Request.BodyReader;
        var batch = new List<KeyState>(ImportBatch);
        long line = 0, applied = 0, unchanged = 0;
        while (true)
        {
            var read = await reader.ReadAsync(ctx.RequestAborted);
            var buffer = read.Buffer;
            while (TryTakeLine(ref buffer, out var bytes))
            {
                line++;
                if (!IsBlank(bytes))
                {
                    batch.Add(await ParseOrRefuseAsync(bytes, line, batch, applied + unchanged));
                }

                if (batch.Count == ImportBatch)
                {
                    (applied, unchanged) = Add(await ApplyAsync(batch), applied, unchanged);
                }
            }

            if (buffer.Length > config.Api.MaxRequestBytes)
            {
                var before = applied + unchanged + (await ApplyAsync(batch)).Total;
                throw Refused(line + 1, $"is longer than Api:MaxRequestBytes ({config.Api.MaxRequestBytes} bytes)", before);
            }

            if (read.IsCompleted)
            {
                if (!IsBlank(buffer))
                {
                    line++;
                    batch.Add(await ParseOrRefuseAsync(buffer, line, batch, applied + unchanged)); // a last line without '\n'
                }

                reader.AdvanceTo(buffer.End);
                break;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }

        if (batch.Count > 0)
        {
            (applied, unchanged) = Add(await ApplyAsync(batch), applied, unchanged);
        }

        await JsonOut.WriteAsync(ctx, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("keys", applied + unchanged);
            w.WriteNumber("changed", applied);
            w.WriteNumber("unchanged", unchanged);
            w.WriteEndObject();
        });
    }

    public static string Line(KeyState state)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("key", state.Key);
            w.WriteBase64String("state", KeyStateCodec.Encode(state));
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A bad line ends the import, after the lines before it are applied.</summary>
    private async Task<KeyState> ParseOrRefuseAsync(ReadOnlySequence<byte> bytes, long line, List<KeyState> batch, long done)
    {
        var problem = Problem(bytes, out var state);
        if (problem is null)
        {
            return state!;
        }

        var before = done + (await ApplyAsync(batch)).Total;
        throw Refused(line, problem, before);
    }

    private static (long Applied, long Unchanged) Add((int Changed, int Same, int Total) outcome, long applied, long unchanged) =>
        (applied + outcome.Changed, unchanged + outcome.Same);

    private async Task<(int Changed, int Same, int Total)> ApplyAsync(List<KeyState> batch)
    {
        if (batch.Count == 0)
        {
            return (0, 0, 0);
        }

        var states = batch.ToArray();
        batch.Clear();
        try
        {
            return await store.WriteAsync(r =>
            {
                var changed = states.Count(s => r.Apply(s) == ApplyOutcome.Changed);
                return (changed, states.Length - changed, states.Length);
            });
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or IOException or UnauthorizedAccessException)
        {
            throw new ApiException(StatusCodes.Status503ServiceUnavailable, ErrorCodes.StoreUnavailable, "The store is not accepting writes (it failed or the agent is stopping).");
        }
    }

    /// <summary>What is wrong with one line, or null with its state.</summary>
    private string? Problem(ReadOnlySequence<byte> bytes, out KeyState? state)
    {
        state = null;
        string? key = null;
        byte[]? encoded = null;
        try
        {
            var reader = new Utf8JsonReader(bytes);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return "is not a JSON object";
            }

            if (root.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String)
            {
                key = k.GetString();
            }

            if (root.TryGetProperty("state", out var st) && st.ValueKind == JsonValueKind.String && st.TryGetBytesFromBase64(out var raw))
            {
                encoded = raw;
            }
        }
        catch (JsonException e)
        {
            return $"is not JSON ({e.Message})";
        }

        if (encoded is null)
        {
            return "has no base64 \"state\"";
        }

        KeyState decoded;
        try
        {
            decoded = KeyStateCodec.Decode(encoded);
        }
        catch (FormatException e)
        {
            return $"holds no valid key state ({e.Message})";
        }

        if (KeyRules.Validate(decoded.Key) is { } problem)
        {
            return $"has an invalid key: {problem}";
        }

        if (key is not null && key != decoded.Key)
        {
            return $"says key '{key}' but holds the state of '{decoded.Key}'";
        }

        if (decoded.Siblings.Any(s => s.Value is { } v && Encoding.UTF8.GetByteCount(v) > config.Store.MaxValueBytes))
        {
            return $"holds a value larger than Store:MaxValueBytes ({config.Store.MaxValueBytes})";
        }

        state = decoded;
        return null;
    }

    private static ApiException Refused(long line, string why, long before) =>
        ApiException.BadRequest(ErrorCodes.InvalidImport, $"Line {line} {why}. The {before} keys before it were imported, nothing from this line on; importing the file again is harmless.");

    private static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        if (buffer.PositionOf((byte)'\n') is not { } end)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, end);
        buffer = buffer.Slice(buffer.GetPosition(1, end));
        return true;
    }

    private static bool IsBlank(ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
