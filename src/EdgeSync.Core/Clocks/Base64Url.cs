namespace EdgeSync.Core.Clocks;

/// <summary>URL- and header-safe base64 without padding, for tokens that travel in HTTP headers.</summary>
public static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Decode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s = (s.Length % 4) switch
        {
            2 => s + "==",
            3 => s + "=",
            0 => s,
            _ => throw new FormatException("Bad base64 length."),
        };
        return Convert.FromBase64String(s);
    }
}
