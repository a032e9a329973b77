using System.Text;

namespace EdgeSync.Core.Store;

/// <summary>
/// UTF-8 that throws on invalid input, one shared instance (encodings are thread-safe): making one per
/// call was a few KB of garbage per write, on every key check, request and state decode.
/// </summary>
public static class StrictUtf8
{
    public static UTF8Encoding Encoding { get; } = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
