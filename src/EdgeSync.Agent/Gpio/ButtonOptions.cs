namespace EdgeSync.Agent.Gpio;

/// <summary>The optional demo button: between the pin and GND, using the SoC's internal pull-up.</summary>
public sealed class ButtonOptions
{
    public bool Enabled { get; set; } = true;

    public int Pin { get; set; } = 24;

    /// <summary>Held at least this long, a press asks the leader to step down instead of counting.</summary>
    public int LongPressMs { get; set; } = 1500;

    /// <summary>Edges within this time after a release are contact bounce, not presses.</summary>
    public int DebounceMs { get; set; } = 30;
}
