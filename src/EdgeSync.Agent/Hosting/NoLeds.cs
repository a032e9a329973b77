namespace EdgeSync.Agent.Hosting;

/// <summary>No LED driver wired in: status shows an empty <c>leds</c> object.</summary>
public sealed class NoLeds : ILedStatus
{
    public IReadOnlyDictionary<string, string> Leds { get; } = new Dictionary<string, string>();
}
