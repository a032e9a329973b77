namespace EdgeSync.Agent.Tests.Process;

/// <summary>Runs one edgesync CLI command to completion.</summary>
public static class EdgesyncCli
{
    public static Task<CliResult> RunAsync(params string[] args) => RunChildAsync(null, null, args);

    /// <summary>The same with <paramref name="input"/> on standard input (then closed).</summary>
    public static Task<CliResult> RunWithInputAsync(string input, params string[] args) => RunChildAsync(input, null, args);

    /// <summary>The same with extra environment variables.</summary>
    public static Task<CliResult> RunWithInputAsync(string input, IReadOnlyDictionary<string, string> env, params string[] args) => RunChildAsync(input, env, args);

    private static async Task<CliResult> RunChildAsync(string? input, IReadOnlyDictionary<string, string>? env, string[] args)
    {
        using var child = new ChildProcess(args, env);
        if (input is not null)
        {
            await child.Process.StandardInput.WriteAsync(input);
            child.Process.StandardInput.Close();
        }

        var code = await child.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return new CliResult(code, child.Stdout, child.Stderr);
    }
}
