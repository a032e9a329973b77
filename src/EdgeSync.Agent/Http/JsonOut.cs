using System.Text.Encodings.Web;
using System.Text.Json;

namespace EdgeSync.Agent.Http;

/// <summary>Writes JSON answers straight to the response; stored values are already JSON and go in raw.</summary>
public static class JsonOut
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = false,

        // Answers are not embedded in HTML; keep quotes and non-ASCII readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task WriteAsync(HttpContext ctx, int status, Action<Utf8JsonWriter> body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        await using (var w = new Utf8JsonWriter(ctx.Response.BodyWriter, Options))
        {
            body(w);
        }

        await ctx.Response.BodyWriter.FlushAsync(ctx.RequestAborted);
    }

    public static Task ErrorAsync(HttpContext ctx, int status, string code, string message) =>
        WriteAsync(ctx, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", code);
            w.WriteString("message", message);
            w.WriteEndObject();
        });
}
