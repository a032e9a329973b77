namespace EdgeSync.Agent.Cli;

/// <summary>A failure to report as one line on stderr with the given exit code (1 run time, 2 usage).</summary>
public sealed class CliFailure(string message, int exitCode = ExitCodes.Failure) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
