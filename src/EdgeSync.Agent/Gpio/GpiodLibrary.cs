namespace EdgeSync.Agent.Gpio;

/// <summary>
/// Which libgpiod the system has: v1 API is <c>libgpiod.so.2</c> (Raspberry Pi OS Bookworm),
/// v2 API is <c>libgpiod.so.3</c> (Trixie and later).
/// </summary>
public enum GpiodLibrary
{
    V1,
    V2,
}
