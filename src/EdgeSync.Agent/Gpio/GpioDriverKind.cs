namespace EdgeSync.Agent.Gpio;

/// <summary><c>Gpio:Driver</c>: real pins, LED states kept in memory for the API, or nothing.</summary>
public enum GpioDriverKind
{
    Virtual,
    Gpio,
    None,
}
