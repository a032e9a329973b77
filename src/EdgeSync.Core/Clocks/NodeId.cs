namespace EdgeSync.Core.Clocks;

/// <summary>Node ids appear in MQTT topics, client ids and clock encodings, so they are kept plain.</summary>
public static class NodeId
{
    public const int MaxLength = 64;

    public static bool IsValid(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    public const string Rule = "1-64 characters of A-Z, a-z, 0-9, '-', '_' or '.'";
}
