namespace EdgeSync.Agent.Emulation;

/// <summary>The commands of the emulator's script mode (one per line).</summary>
public enum ScriptVerb
{
    Pull,
    Plug,
    Kill,
    Start,
    Write,
    Increment,
    StepDown,
    WaitLeader,
    WaitConverged,
    ExpectPartition,
    ExpectLeaderNot,
    Status,
    Sleep,
    Quit,
}
