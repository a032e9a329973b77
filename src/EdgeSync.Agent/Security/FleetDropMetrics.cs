using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using EdgeSync.Agent.Metrics;
using EdgeSync.Agent.Mqtt;
using EdgeSync.Agent.Replication;

namespace EdgeSync.Agent.Security;

/// <summary>
/// <c>edgesync_mqtt_dropped_total{reason=...}</c>: every MQTT message the node refused or could not
/// send, by reason — the transport's own reasons, plus <c>unauthenticated</c> (no or a wrong
/// <c>Fleet:Key</c> tag) and <c>malformed</c> (authentic or unkeyed, but not a message we decode).
/// </summary>
public sealed partial class FleetDropMetrics : IDisposable
{
    private readonly Meter _meter = new(AgentMetrics.MeterName);

    public FleetDropMetrics(FleetRuntime fleet)
    {
        _meter.CreateObservableCounter("edgesync.mqtt.dropped", () => Measure(fleet), description: "MQTT messages dropped, by reason.");
    }

    public void Dispose() => _meter.Dispose();

    public static string ReasonLabel(DropReason reason) => Snake().Replace(reason.ToString(), "$1_$2").ToLowerInvariant();

    private static IEnumerable<Measurement<long>> Measure(FleetRuntime fleet)
    {
        if (fleet.Mqtt is { } mqtt)
        {
            foreach (var reason in Enum.GetValues<DropReason>())
            {
                yield return new Measurement<long>(mqtt.Stats.Dropped(reason), Tag(ReasonLabel(reason)));
            }
        }

        yield return new Measurement<long>(fleet.Authenticator.Unauthenticated, Tag("unauthenticated"));
        yield return new Measurement<long>(fleet.MalformedMessages, Tag("malformed"));
    }

    private static KeyValuePair<string, object?> Tag(string reason) => new("reason", reason);

    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex Snake();
}
