using System.Diagnostics;
using System.Text;

namespace EdgeSync.Agent.Tests.Process;

/// <summary>Starts <c>dotnet edgesync.dll ...</c> (or the published binary, see <see cref="AgentBinary"/>) with a clean environment and collects its output.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _outClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _errClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ChildProcess(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(AgentBinary.Published ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (AgentBinary.Published is null)
        {
            psi.ArgumentList.Add(AgentBinary.Path);
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        // The agent reads EDGESYNC_* as configuration: only what the test sets may reach it.
        foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("EDGESYNC_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            psi.Environment.Remove(name);
        }

        psi.Environment["DOTNET_NOLOGO"] = "1";

        // No diagnostics socket in /tmp: an agent a test kills with SIGKILL would leave it behind
        // (thousands after many runs). Nothing attaches a diagnostics client to test agents.
        psi.Environment["DOTNET_EnableDiagnostics_IPC"] = "0";
        foreach (var (name, value) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }

        Process = new System.Diagnostics.Process { StartInfo = psi, EnableRaisingEvents = true };
        Process.OutputDataReceived += (_, e) => Append(_stdout, e.Data, _outClosed);
        Process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data, _errClosed);
        Process.Start();
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public System.Diagnostics.Process Process { get; }

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public bool HasExited => Process.HasExited;

    /// <summary>Wait for exit (and all output) within the deadline; kills and fails otherwise.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan deadline)
    {
        using var cts = new CancellationTokenSource(deadline);
        try
        {
            await Process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_outClosed.Task, _errClosed.Task).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"edgesync did not exit within {deadline}. stderr: {Stderr}");
        }

        return Process.ExitCode;
    }

    /// <summary>SIGKILL: what a crash or power cut does to the process.</summary>
    public void Kill()
    {
        try
        {
            Process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>SIGTERM: what systemd sends on stop.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>Sends a signal by name (STOP and CONT freeze and thaw the process: a hung agent).</summary>
    public void Signal(string name)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + name, Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        Process.Dispose();
    }

    private static void Append(StringBuilder sb, string? line, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }

        lock (sb)
        {
            sb.AppendLine(line);
        }
    }
}
