namespace EdgeSync.Core.Leds;

/// <summary>All four LEDs at one instant, for /v1/status <c>leds</c> and the emulator dashboard.</summary>
public sealed record LedSnapshot(LedState Status, LedState Leader, LedState Partition, LedState Activity)
{
    public static LedSnapshot AllOff { get; } = new(LedState.Off, LedState.Off, LedState.Off, LedState.Off);

    public LedState this[Led led] => led switch
    {
        Led.Status => Status,
        Led.Leader => Leader,
        Led.Partition => Partition,
        Led.Activity => Activity,
        _ => throw new ArgumentOutOfRangeException(nameof(led), led, "Unknown LED."),
    };
}
