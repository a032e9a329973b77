namespace EdgeSync.Agent.Cli;

/// <summary>SPEC §7: 0 success, 1 failure at run time, 2 bad usage or bad configuration.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
}
