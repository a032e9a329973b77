using System.Diagnostics;

namespace EdgeSync.Agent.Tests.Process;

/// <summary>A real agent (<c>edgesync run</c>) as a child process on a free loopback port.</summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);

    private AgentProcess(ChildProcess child, int port, string dataDir, TimeSpan startup)
    {
        Child = child;
        Port = port;
        DataDir = dataDir;
        Startup = startup;
        Http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
    }

    public ChildProcess Child { get; }

    public int Port { get; }

    public string DataDir { get; }

    /// <summary>From process start to the first 200 from /healthz.</summary>
    public TimeSpan Startup { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    public HttpClient Http { get; }

    public static async Task<AgentProcess> StartAsync(string dataDir, string nodeId = "test-node", IReadOnlyDictionary<string, string>? env = null, params string[] extraArgs)
    {
        var port = FreePort.Next();
        string[] args = ["run", "--node-id", nodeId, "--data-dir", dataDir, "--api", $"127.0.0.1:{port}", .. extraArgs];
        var started = Stopwatch.StartNew();
        var child = new ChildProcess(args, env);
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            if (child.HasExited)
            {
                await child.WaitForExitAsync(TimeSpan.FromSeconds(5));
                throw new InvalidOperationException($"edgesync exited with {child.Process.ExitCode} before serving. stderr: {child.Stderr}");
            }

            if (started.Elapsed > StartDeadline)
            {
                child.Dispose();
                throw new TimeoutException($"edgesync did not answer /healthz within {StartDeadline}. stderr: {child.Stderr}");
            }

            try
            {
                using var response = await probe.GetAsync($"http://127.0.0.1:{port}/healthz");
                if (response.IsSuccessStatusCode)
                {
                    return new AgentProcess(child, port, dataDir, started.Elapsed);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Slow to answer while starting.
            }

            await Task.Delay(25);
        }
    }

    public void Kill() => Child.Kill();

    /// <summary>SIGTERM and wait for a clean exit; returns the exit code.</summary>
    public Task<int> StopAsync()
    {
        Child.Terminate();
        return Child.WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Child.Kill();
        await Child.Process.WaitForExitAsync();
        Child.Dispose();
    }
}
