namespace EdgeSync.Agent.Tests.Process;

/// <summary>Runs one edgesync CLI command to completion.</summary>
public static class EdgesyncCli
{
    public static Task<CliResult> RunAsync(params string[] args) => RunChildAsync(null, args);

    /// <summary>The same with <paramref name="input"/> on standard input (then closed).</summary>
    public static Task<CliResult> RunWithInputAsync(string input, params string[] args) => RunChildAsync(input, args);

    private static async Task<CliResult> RunChildAsync(string? input, string[] args)
    {
        using var child = new ChildProcess(args);
        if (input is not null)
        {
            await child.Process.StandardInput.WriteAsync(input);
            child.Process.StandardInput.Close();
        }

        var code = await child.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return new CliResult(code, child.Stdout, child.Stderr);
    }
}
