namespace EdgeSync.Agent.Config;

/// <summary>
/// Config section <c>Gpio</c>. Placeholder owned by the GPIO work: the driver choice and BCM pin
/// numbers for the four LEDs and the demo button.
/// </summary>
public sealed class GpioSection
{
    public string Driver { get; set; } = "none";

    public int StatusPin { get; set; } = 17;

    public int LeaderPin { get; set; } = 27;

    public int PartitionPin { get; set; } = 22;

    public int ActivityPin { get; set; } = 23;

    public int ButtonPin { get; set; } = 24;

    public static GpioSection Read(SectionReader r)
    {
        var s = new GpioSection();
        s.Driver = r.String(nameof(Driver), s.Driver).ToLowerInvariant();
        s.StatusPin = r.Int(nameof(StatusPin), s.StatusPin);
        s.LeaderPin = r.Int(nameof(LeaderPin), s.LeaderPin);
        s.PartitionPin = r.Int(nameof(PartitionPin), s.PartitionPin);
        s.ActivityPin = r.Int(nameof(ActivityPin), s.ActivityPin);
        s.ButtonPin = r.Int(nameof(ButtonPin), s.ButtonPin);
        r.RejectUnknown();
        return s;
    }

    public IEnumerable<string> Validate()
    {
        if (Driver is not ("gpio" or "virtual" or "none"))
        {
            yield return $"Gpio:Driver must be gpio, virtual or none (got '{Driver}')";
        }

        (string Name, int Pin)[] pins =
        [
            (nameof(StatusPin), StatusPin), (nameof(LeaderPin), LeaderPin), (nameof(PartitionPin), PartitionPin),
            (nameof(ActivityPin), ActivityPin), (nameof(ButtonPin), ButtonPin),
        ];
        foreach (var (name, pin) in pins.Where(p => p.Pin is < 0 or > 27))
        {
            yield return $"Gpio:{name} must be a BCM pin number 0-27 (got {pin})";
        }

        foreach (var dup in pins.GroupBy(p => p.Pin).Where(g => g.Count() > 1))
        {
            yield return $"Gpio:{string.Join(" and Gpio:", dup.Select(p => p.Name))} use the same pin {dup.Key}";
        }
    }
}
