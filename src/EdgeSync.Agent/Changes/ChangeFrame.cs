using System.Buffers;
using System.Globalization;
using System.Text.Json;
using EdgeSync.Agent.Http;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Changes;

/// <summary>
/// A change as a server-sent event: <c>id: SEQ</c>, <c>event: change</c> and one line of JSON
/// (seq, kind, key, values, deleted, conflict, context, and <c>at</c>, this node's clock when the
/// change became durable here).
/// </summary>
public static class ChangeFrame
{
    /// <summary>The event's UTF-8 bytes; <paramref name="scratch"/> is reused and left holding them.</summary>
    public static byte[] Render(ArrayBufferWriter<byte> scratch, long seq, ReplicaChange change, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(scratch);
        ArgumentNullException.ThrowIfNull(change);
        scratch.ResetWrittenCount();
        Ascii(scratch, string.Create(CultureInfo.InvariantCulture, $"id: {seq}\nevent: change\ndata: "));
        using (var w = new Utf8JsonWriter(scratch))
        {
            w.WriteStartObject();
            w.WriteNumber("seq", seq);
            w.WriteString("kind", KindName(change.Kind));
            w.WriteString("key", change.Key);
            var read = ReadResult.From(change.Key, change.State);
            w.WriteStartArray("values");
            foreach (var value in read.Values)
            {
                w.WriteRawValue(value.Value!, skipInputValidation: true);
            }

            w.WriteEndArray();
            w.WriteBoolean("deleted", !read.Found);
            w.WriteBoolean("conflict", read.Conflict);
            w.WriteString("context", read.Context.Encode());
            w.WriteString("at", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }

        Ascii(scratch, "\n\n");
        return scratch.WrittenSpan.ToArray();
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
}
