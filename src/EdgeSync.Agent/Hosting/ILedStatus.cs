namespace EdgeSync.Agent.Hosting;

/// <summary>LED states for /v1/status (name → pattern, e.g. "leader" → "solid"). Filled by the GPIO work.</summary>
public interface ILedStatus
{
    IReadOnlyDictionary<string, string> Leds { get; }
}
