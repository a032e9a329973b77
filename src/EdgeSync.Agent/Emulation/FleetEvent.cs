namespace EdgeSync.Agent.Emulation;

/// <summary>One line of the events pane: seconds since the emulator started, and what happened.</summary>
public sealed record FleetEvent(TimeSpan At, string Text)
{
    public override string ToString() => $"[{At.TotalSeconds,7:0.000}] {Text}";
}
