namespace EdgeSync.Agent.Tests.Process;

/// <summary>Runs one edgesync CLI command to completion.</summary>
public static class EdgesyncCli
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var child = new ChildProcess(args);
        var code = await child.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return new CliResult(code, child.Stdout, child.Stderr);
    }

    /// <summary>The same with <paramref name="input"/> on standard input (then closed).</summary>
    public static async Task<CliResult> RunWithInputAsync(string input, params string[] args)
    {
        using var child = new ChildProcess(args);
        await child.Process.StandardInput.WriteAsync(input);
        child.Process.StandardInput.Close();
        var code = await child.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return new CliResult(code, child.Stdout, child.Stderr);
    }
}
