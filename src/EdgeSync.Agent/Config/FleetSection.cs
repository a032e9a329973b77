using EdgeSync.Core.Clocks;

namespace EdgeSync.Agent.Config;

/// <summary>Config section <c>Fleet</c>: the fleet's name (MQTT topic root), members and key.</summary>
public sealed class FleetSection
{
    public string Name { get; set; } = "default";

    /// <summary>Node ids; empty means "just this node" (resolved by <see cref="AgentConfig"/>).</summary>
    public IReadOnlyList<string> Members { get; set; } = [];

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Randomised election timeout range: how long a follower waits without a leader before it
    /// stands. Longer = fewer needless elections on a slow network, slower failover. The leader's
    /// lease is derived from the minimum.
    /// </summary>
    public TimeSpan ElectionTimeoutMin { get; set; } = TimeSpan.FromMilliseconds(1000);

    public TimeSpan ElectionTimeoutMax { get; set; } = TimeSpan.FromMilliseconds(1800);

    /// <summary>Shared secret that authenticates every fleet message (HMAC); optional.</summary>
    public string? Key { get; set; }

    public static FleetSection Read(SectionReader r)
    {
        var s = new FleetSection();
        s.Name = r.String(nameof(Name), s.Name);
        s.Members = r.List(nameof(Members)) ?? s.Members;
        s.HeartbeatInterval = r.Duration(nameof(HeartbeatInterval), s.HeartbeatInterval);
        s.ElectionTimeoutMin = r.Duration(nameof(ElectionTimeoutMin), s.ElectionTimeoutMin);
        s.ElectionTimeoutMax = r.Duration(nameof(ElectionTimeoutMax), s.ElectionTimeoutMax);
        s.Key = r.OptionalString(nameof(Key));
        r.RejectUnknown();
        return s;
    }

    public IEnumerable<string> Validate(string nodeId)
    {
        if (!NodeId.IsValid(Name))
        {
            yield return $"Fleet:Name must be {NodeId.Rule} (got '{Name}')";
        }

        foreach (var m in Members.Where(m => !NodeId.IsValid(m)))
        {
            yield return $"Fleet:Members contains '{m}', which is not a node id ({NodeId.Rule})";
        }

        foreach (var dup in Members.GroupBy(m => m, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return $"Fleet:Members lists '{dup.Key}' more than once";
        }

        if (Members.Count > 0 && !Members.Contains(nodeId, StringComparer.Ordinal))
        {
            // "Members": 3 reads as a one-member list, as an environment variable would: say what a list is.
            var count = Members.Count == 1 && Members[0].All(char.IsAsciiDigit)
                ? $"; it lists node ids, not how many there are: e.g. [\"{nodeId}\", \"pi-2\", \"pi-3\"], or {nodeId},pi-2,pi-3 in an environment variable"
                : string.Empty;
            yield return $"Fleet:Members must include this node's id '{nodeId}' (got {string.Join(", ", Members)}){count}";
        }

        if (HeartbeatInterval < TimeSpan.FromMilliseconds(50) || HeartbeatInterval > TimeSpan.FromSeconds(60))
        {
            yield return $"Fleet:HeartbeatInterval must be between 50ms and 60s (got {DurationText.Format(HeartbeatInterval)})";
        }

        // The leader pings every 150 ms: a timeout must span a few pings, and a range is needed so
        // that candidates rarely split the vote.
        if (ElectionTimeoutMin < TimeSpan.FromMilliseconds(500) || ElectionTimeoutMin > TimeSpan.FromSeconds(60))
        {
            yield return $"Fleet:ElectionTimeoutMin must be between 500ms and 60s (got {DurationText.Format(ElectionTimeoutMin)})";
        }

        if (ElectionTimeoutMax < ElectionTimeoutMin * 1.2 || ElectionTimeoutMax > TimeSpan.FromSeconds(120))
        {
            yield return $"Fleet:ElectionTimeoutMax must be at least 1.2 x Fleet:ElectionTimeoutMin and at most 120s (got {DurationText.Format(ElectionTimeoutMax)} with a minimum of {DurationText.Format(ElectionTimeoutMin)})";
        }

        if (Key is { Length: < 16 })
        {
            yield return "Fleet:Key must be at least 16 characters (got a shorter one)";
        }
    }
}
