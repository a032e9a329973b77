namespace EdgeSync.Core.Leds;

/// <summary>The four LEDs of SPEC §6. The values index arrays, so keep them 0..3.</summary>
public enum Led
{
    Status = 0,
    Leader = 1,
    Partition = 2,
    Activity = 3,
}
