using System.Text;
using EdgeSync.Core.Store;
using Microsoft.AspNetCore.Http.Features;

namespace EdgeSync.Agent.Http;

/// <summary>
/// The key of a <c>/v1/kv/{key}</c> request, decoded from the raw request target: the server's
/// decoded path keeps <c>%2F</c> encoded and normalises dot segments, and keys are opaque, so
/// the key is percent-decoded here exactly once and must be valid UTF-8.
/// </summary>
public static class KeyPath
{
    public const string Prefix = "/v1/kv/";

    public static string FromRequest(HttpContext ctx)
    {
        var raw = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || raw[0] != '/')
        {
            // Absolute-form target (through a proxy): fall back to the server's view.
            raw = ctx.Request.PathBase + ctx.Request.Path.ToUriComponent();
        }

        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query >= 0 ? raw[..query] : raw;
        if (!path.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidKey, "The key is missing from the path.");
        }

        var key = Decode(path[Prefix.Length..]);
        if (KeyRules.Validate(key) is { } problem)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidKey, problem);
        }

        return key;
    }

    public static string Decode(string encoded)
    {
        var bytes = new List<byte>(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (c == '%')
            {
                if (i + 2 >= encoded.Length || !IsHex(encoded[i + 1]) || !IsHex(encoded[i + 2]))
                {
                    throw ApiException.BadRequest(ErrorCodes.InvalidKey, "The key has a '%' not followed by two hex digits.");
                }

                bytes.Add(Convert.ToByte(encoded.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c > 0x7F)
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidKey, "The key has a character that is not percent-encoded.");
            }
            else
            {
                bytes.Add((byte)c);
            }
        }

        try
        {
            return StrictUtf8.Encoding.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidKey, "The key is not valid UTF-8 once percent-decoded.");
        }
    }

    /// <summary>Encode a key for a URL path, keeping '/' readable.</summary>
    public static string Encode(string key) =>
        Uri.EscapeDataString(key).Replace("%2F", "/", StringComparison.Ordinal);

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}
