using System.Diagnostics;
using System.Text;

namespace EdgeSync.Agent.Tests.Deploy;

/// <summary>Runs a command to completion within a deadline, with its output merged for messages.</summary>
public static class Shell
{
    public sealed record Result(int ExitCode, string Output, int Pid, TimeSpan Elapsed);

    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, TimeSpan deadline, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // closed at once: nothing may wait for a terminal
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoRoot.Path,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("EDGESYNC_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            psi.Environment.Remove(name);
        }

        var output = new StringBuilder();
        var started = Stopwatch.StartNew();
        using var process = new System.Diagnostics.Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(deadline);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM first so a script's cleanup trap runs, then make sure.
            using (var term = System.Diagnostics.Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                process.Kill(entireProcessTree: true);
            }

            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {deadline}; output:\n{Text(output)}");
        }

        process.WaitForExit(); // drains the redirected output
        return new Result(process.ExitCode, Text(output), process.Id, started.Elapsed);
    }

    private static void Append(StringBuilder sb, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (sb)
        {
            sb.AppendLine(line);
        }
    }

    private static string Text(StringBuilder sb)
    {
        lock (sb)
        {
            return sb.ToString();
        }
    }
}
