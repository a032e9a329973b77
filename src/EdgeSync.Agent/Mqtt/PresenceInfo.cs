using System.Text;
using System.Text.Json;

namespace EdgeSync.Agent.Mqtt;

/// <summary>The retained payload of <c>presence/{node}</c>: <c>{"node":"pi1","status":"online"}</c>.
/// "offline" is also our last will, so the broker announces a crash for us.</summary>
public sealed record PresenceInfo(string Node, bool Online)
{
    public byte[] ToJson() => Encoding.UTF8.GetBytes($"{{\"node\":\"{Node}\",\"status\":\"{(Online ? "online" : "offline")}\"}}");

    public static bool TryParse(ReadOnlySpan<byte> json, out PresenceInfo? presence)
    {
        presence = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            using var doc = JsonDocument.ParseValue(ref reader);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("node", out var node) || node.ValueKind != JsonValueKind.String
                || !doc.RootElement.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String)
                return false;
            var id = node.GetString()!;
            var online = status.GetString() switch { "online" => (bool?)true, "offline" => false, _ => null };
            if (!TopicScheme.IsValidSegment(id) || online is null)
                return false;
            presence = new PresenceInfo(id, online.Value);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
