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
        // One page's lines are written into one buffer and sent as they are: no strings in between.
        var buffer = new ArrayBufferWriter<byte>();
        using var line = new Utf8JsonWriter(buffer);
        string? after = null;
        while (true)
        {
            var page = store.Read(r => r.Export(prefix, after, Page));
            buffer.ResetWrittenCount();
            foreach (var state in page)
            {
                line.Reset(buffer);
                line.WriteStartObject();
                line.WriteString("key", state.Key);
                line.WriteBase64String("state", KeyStateCodec.Encode(state));
                line.WriteEndObject();
                line.Flush();
                buffer.Write("\n"u8);
            }

            await ctx.Response.Body.WriteAsync(buffer.WrittenMemory, ctx.RequestAborted);
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
        long line = 0, keys = 0, changed = 0;

        async Task ApplyBatchAsync()
        {
            if (batch.Count == 0)
            {
                return;
            }

            changed += await StoreWrites.WriteAsync(store, r => batch.Count(s => r.Apply(s) == ApplyOutcome.Changed));
            keys += batch.Count;
            batch.Clear();
        }

        // A bad line ends the import, after the lines before it are applied.
        async Task TakeAsync(ReadOnlySequence<byte> bytes)
        {
            line++;
            if (IsBlank(bytes))
            {
                return;
            }

            if (Problem(bytes, out var state) is { } problem)
            {
                await ApplyBatchAsync();
                throw Refused(line, problem, keys);
            }

            batch.Add(state!);
            if (batch.Count == ImportBatch)
            {
                await ApplyBatchAsync();
            }
        }

        while (true)
        {
            var read = await reader.ReadAsync(ctx.RequestAborted);
            var buffer = read.Buffer;
            while (TryTakeLine(ref buffer, out var bytes))
            {
                await TakeAsync(bytes);
            }

            if (buffer.Length > config.Api.MaxRequestBytes)
            {
                await ApplyBatchAsync();
                throw Refused(line + 1, $"is longer than Api:MaxRequestBytes ({config.Api.MaxRequestBytes} bytes)", keys);
            }

            if (read.IsCompleted)
            {
                await TakeAsync(buffer); // a last line without '\n'
                reader.AdvanceTo(buffer.End);
                break;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }

        await ApplyBatchAsync();
        await JsonOut.WriteAsync(ctx, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("keys", keys);
            w.WriteNumber("changed", changed);
            w.WriteNumber("unchanged", keys - changed);
            w.WriteEndObject();
        });
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
