namespace EdgeSync.Agent.Tests.Systemd.Probe;

/// <summary>
/// The test assembly's own Main (GenerateProgramFile is off), so a test can start this assembly
/// as a child process that plays the agent until <c>edgesync run</c> exists:
/// <c>dotnet EdgeSync.Agent.Tests.dll systemd-probe</c>. Without that argument it does nothing.
/// </summary>
public static class TestEntryPoint
{
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args is ["systemd-probe", ..] ? SystemdProbeHost.Run(args[1..]) : 0;
    }
}
