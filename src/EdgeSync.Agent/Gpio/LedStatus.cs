using EdgeSync.Agent.Hosting;

namespace EdgeSync.Agent.Gpio;

/// <summary>The LEDs as /v1/status shows them: each LED's pattern and whether it is lit right now.</summary>
public sealed class LedStatus(LedService service) : ILedStatus
{
    public IReadOnlyDictionary<string, string> Leds
    {
        get
        {
            if (LedsView.From(service) is not { } view)
            {
                return new Dictionary<string, string>();
            }

            return new Dictionary<string, string>
            {
                ["driver"] = view.Driver,
                ["status"] = view.Status.Pattern,
                ["leader"] = view.Leader.Pattern,
                ["partition"] = view.Partition.Pattern,
                ["activity"] = view.Activity.Pattern,
            };
        }
    }
}
