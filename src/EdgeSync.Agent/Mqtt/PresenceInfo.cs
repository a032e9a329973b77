using System.Text.Json;
using EdgeSync.Agent.Hosting;
using EdgeSync.Core.Fleet;
using EdgeSync.Core.Sync;

namespace EdgeSync.Agent.Mqtt;

/// <summary>
/// The retained payload of <c>presence/{node}</c>:
/// <c>{"node":"pi1","status":"online","agent":"0.1.0","wire":{"sync":2,"fleet":1}}</c>. "offline" is
/// also our last will, so the broker announces a crash for us. <c>agent</c> and <c>wire</c> say which
/// version a node runs and which message formats it speaks, so a rolling upgrade shows who is on
/// which, and a node can say why a peer's messages are dropped; both are optional when reading.
/// </summary>
public sealed record PresenceInfo(string Node, bool Online, string? Agent = null, int? SyncWire = null, int? FleetWire = null)
{
    private const int MaxAgentLength = 64;

    /// <summary>What this agent announces about itself.</summary>
    public static PresenceInfo Of(string node, bool online) => new(node, online, AgentVersion.Text, SyncCodec.Version, FleetCodec.Version);

    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("node", Node);
            w.WriteString("status", Online ? "online" : "offline");
            if (Agent is not null)
            {
                w.WriteString("agent", Agent);
            }

            if (SyncWire is not null || FleetWire is not null)
            {
                w.WriteStartObject("wire");
                if (SyncWire is { } sync)
                {
                    w.WriteNumber("sync", sync);
                }

                if (FleetWire is { } fleet)
                {
                    w.WriteNumber("fleet", fleet);
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Why this node cannot understand the announcer, or the announcer this node: null when both speak
    /// the same formats (or the announcer did not say).
    /// </summary>
    public string? WireMismatch()
    {
        var problems = new List<string>();
        if (SyncWire is { } sync && sync != SyncCodec.Version)
        {
            problems.Add($"sync messages version {sync}, this node {SyncCodec.Version}");
        }

        if (FleetWire is { } fleet && fleet != FleetCodec.Version)
        {
            problems.Add($"fleet messages version {fleet}, this node {FleetCodec.Version}");
        }

        return problems.Count == 0
            ? null
            : $"{Node} (agent {Agent ?? "unknown"}) speaks {string.Join(" and ", problems)}: the two drop each other's messages until both run the same version";
    }

    public static bool TryParse(ReadOnlySpan<byte> json, out PresenceInfo? presence)
    {
        presence = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("node", out var node) || node.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            var id = node.GetString()!;
            var online = status.GetString() switch { "online" => (bool?)true, "offline" => false, _ => null };
            if (!TopicScheme.IsValidSegment(id) || online is null)
            {
                return false;
            }

            // The optional fields are shown to operators: anything odd in them is ignored, not believed.
            var agent = root.TryGetProperty("agent", out var a) && a.ValueKind == JsonValueKind.String && a.GetString() is { } text && IsVersionText(text) ? text : null;
            int? sync = null, fleet = null;
            if (root.TryGetProperty("wire", out var wire) && wire.ValueKind == JsonValueKind.Object)
            {
                sync = WireVersion(wire, "sync");
                fleet = WireVersion(wire, "fleet");
            }

            presence = new PresenceInfo(id, online.Value, agent, sync, fleet);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static int? WireVersion(JsonElement wire, string name) =>
        wire.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n is >= 0 and <= 255 ? n : null;

    private static bool IsVersionText(string text) =>
        text.Length is > 0 and <= MaxAgentLength && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+' or '_');
}
