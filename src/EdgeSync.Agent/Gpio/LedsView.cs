using EdgeSync.Core.Leds;

namespace EdgeSync.Agent.Gpio;

/// <summary>
/// The <c>leds</c> object of /v1/status. Serialised camelCase it reads
/// <c>{"driver":"virtual","status":{"on":true,"pattern":"heartbeat"},"leader":{...},...}</c>.
/// <see cref="Driver"/> says what drives them ("virtual", "off" when GPIO was unavailable,
/// or the chip in use), so a dashboard can tell a pattern shown from a pattern only computed.
/// </summary>
public sealed record LedsView(string Driver, LedView Status, LedView Leader, LedView Partition, LedView Activity)
{
    /// <summary>Null with <c>Gpio:Driver=none</c>.</summary>
    public static LedsView? From(LedService service) => service.Leds is { } leds ? From(leds, service.Mode) : null;

    public static LedsView From(LedSnapshot leds, string driver) =>
        new(driver, View(leds.Status), View(leds.Leader), View(leds.Partition), View(leds.Activity));

    private static LedView View(LedState state) => new(state.On, LedPatterns.WireName(state.Pattern));
}
