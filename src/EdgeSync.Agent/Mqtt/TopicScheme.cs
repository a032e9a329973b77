using EdgeSync.Core.Clocks;

namespace EdgeSync.Agent.Mqtt;

/// <summary>
/// The MQTT topic layout of one fleet. Every topic starts with <c>edgesync/{fleet}/</c> and names the
/// sender, so <c>mosquitto_sub -t 'edgesync/#' -v</c> reads as "who said what to whom", and the broker
/// does all fan-out through plain wildcard subscriptions.
/// </summary>
public sealed class TopicScheme
{
    public const string Root = "edgesync";

    private readonly string _prefix;

    public TopicScheme(string fleet)
    {
        if (!IsValidSegment(fleet))
            throw new ArgumentException($"Fleet name '{fleet}' is invalid: use {NodeId.Rule}.", nameof(fleet));
        Fleet = fleet;
        _prefix = $"{Root}/{fleet}/";
    }

    public string Fleet { get; }

    /// <summary><c>edgesync/{fleet}/#</c>: everything this fleet says.</summary>
    public string All => _prefix + "#";

    public string Push(string from) => _prefix + "push/" + Checked(from, nameof(from));
    public string Heartbeat(string from) => _prefix + "heartbeat/" + Checked(from, nameof(from));
    public string Election(string from) => _prefix + "election/" + Checked(from, nameof(from));
    public string Presence(string node) => _prefix + "presence/" + Checked(node, nameof(node));
    public string Probe(string node) => _prefix + "probe/" + Checked(node, nameof(node));
    public string Stable => _prefix + "stable";

    public string Direct(string target, string kind, string from) =>
        _prefix + "to/" + Checked(target, nameof(target)) + "/" + Checked(kind, nameof(kind)) + "/" + Checked(from, nameof(from));

    /// <summary>The filters a node subscribes to (wildcards: the broker fans out, we filter nothing by hand
    /// except our own echoes on an MQTT 3.1.1 broker, which has no no-local option).</summary>
    public IReadOnlyList<(string Filter, bool NoLocal)> SubscriptionsFor(string self) =>
    [
        (_prefix + "push/+", true),
        (_prefix + "heartbeat/+", true),
        (_prefix + "election/+", true),
        (_prefix + "presence/+", true),
        (_prefix + "to/" + Checked(self, nameof(self)) + "/#", false),
        (Stable, false),
        (Probe(self), false),
    ];

    /// <summary>Parses a topic of this fleet; false for anything else (another fleet, unknown channel,
    /// bad node id, wrong number of levels).</summary>
    public bool TryParse(string? topic, out FleetTopic parsed)
    {
        parsed = default;
        if (topic is null || !topic.StartsWith(_prefix, StringComparison.Ordinal))
            return false;
        var parts = topic[_prefix.Length..].Split('/');
        switch (parts[0])
        {
            case "stable" when parts.Length == 1:
                parsed = new FleetTopic(FleetChannel.Stable, null);
                return true;
            case "to" when parts.Length == 4 && IsValidSegment(parts[1]) && IsValidSegment(parts[2]) && IsValidSegment(parts[3]):
                parsed = new FleetTopic(FleetChannel.Direct, parts[3], parts[1], parts[2]);
                return true;
        }

        if (parts.Length != 2 || !IsValidSegment(parts[1]))
            return false;
        FleetChannel? channel = parts[0] switch
        {
            "push" => FleetChannel.Push,
            "heartbeat" => FleetChannel.Heartbeat,
            "election" => FleetChannel.Election,
            "presence" => FleetChannel.Presence,
            "probe" => FleetChannel.Probe,
            _ => null,
        };
        if (channel is null)
            return false;
        parsed = new FleetTopic(channel.Value, parts[1]);
        return true;
    }

    /// <summary>Fleet names, node ids and message kinds all follow the node-id rule, so no topic level
    /// can contain '/', '+', '#' or be empty.</summary>
    public static bool IsValidSegment(string? segment) => NodeId.IsValid(segment);

    private static string Checked(string segment, string what) =>
        IsValidSegment(segment) ? segment : throw new ArgumentException($"'{segment}' is not a valid {what}: use {NodeId.Rule}.", what);
}
