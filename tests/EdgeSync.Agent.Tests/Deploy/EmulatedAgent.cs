using System.Diagnostics;
using System.Text;
using EdgeSync.Agent.Tests.Process;

namespace EdgeSync.Agent.Tests.Deploy;

/// <summary>The published linux-arm64 agent running under qemu-aarch64-static, on a free loopback port.</summary>
public sealed class EmulatedAgent : IAsyncDisposable
{
    private readonly StringBuilder _output = new();

    private EmulatedAgent(System.Diagnostics.Process process, int port)
    {
        Process = process;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public System.Diagnostics.Process Process { get; }

    public int Port { get; }

    public HttpClient Http { get; }

    public TimeSpan Startup { get; private set; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<EmulatedAgent> StartAsync(string qemu, string binary, IReadOnlyDictionary<string, string> env, TimeSpan deadline, params string[] args)
    {
        var port = FreePort.Next();
        var psi = new ProcessStartInfo(qemu) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[binary, .. args, "--api", $"127.0.0.1:{port}"])
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("EDGESYNC_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            psi.Environment.Remove(name);
        }

        foreach (var (name, value) in env)
        {
            psi.Environment[name] = value;
        }

        var started = Stopwatch.StartNew();
        var agent = new EmulatedAgent(new System.Diagnostics.Process { StartInfo = psi }, port);
        agent.Process.OutputDataReceived += (_, e) => agent.Append(e.Data);
        agent.Process.ErrorDataReceived += (_, e) => agent.Append(e.Data);
        agent.Process.Start();
        agent.Process.BeginOutputReadLine();
        agent.Process.BeginErrorReadLine();
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            if (agent.Process.HasExited)
            {
                throw new InvalidOperationException($"the arm64 agent exited with {agent.Process.ExitCode} before serving; output:\n{agent.Output}");
            }

            if (started.Elapsed > deadline)
            {
                await agent.DisposeAsync();
                throw new TimeoutException($"the arm64 agent did not answer /healthz within {deadline}; output:\n{agent.Output}");
            }

            try
            {
                using var response = await probe.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz"));
                if (response.IsSuccessStatusCode)
                {
                    agent.Startup = started.Elapsed;
                    return agent;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Slow to answer while starting under emulation.
            }

            await Task.Delay(100); // poll interval under the deadline above
        }
    }

    /// <summary>SIGTERM (as systemd stops it) and the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan deadline)
    {
        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(deadline);
        await Process.WaitForExitAsync(cts.Token);
        return Process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
