using System.Diagnostics;
using System.Text.Json.Nodes;

namespace EdgeSync.Benchmarks;

/// <summary>
/// One <c>edgesync run</c> child process for the benchmarks: the dll the project reference copies
/// here, or with <c>EDGESYNC_BENCH_AGENT=artifacts/linux-x64/edgesync</c> a published executable.
/// </summary>
public sealed class FleetBenchAgent : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string? _dir;

    private FleetBenchAgent(string id, Process process, string? dir, int port)
    {
        Id = id;
        Port = port;
        _process = process;
        _dir = dir;
        // A bounded pool of kept-alive connections, as a real client fleet would hold, rather than a
        // new connection for every request that finds the others busy.
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
        Http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Id { get; }

    /// <summary>The agent's HTTP API port on 127.0.0.1.</summary>
    public int Port { get; }
    public HttpClient Http { get; }

    /// <summary>The published executable the agents run, or null for <c>dotnet edgesync.dll</c>.</summary>
    public static string? Published => Environment.GetEnvironmentVariable("EDGESYNC_BENCH_AGENT") is { Length: > 0 } p ? Path.GetFullPath(p) : null;

    /// <summary>What the agents run, for the printed figures.</summary>
    public static string Describe => Published ?? "dotnet edgesync.dll";

    /// <param name="brokerPort">The broker's port, or null for a node of its own (no fleet).</param>
    /// <param name="dataDir">Where to keep the data (kept on dispose), or null for a fresh temporary folder.</param>
    public static async Task<FleetBenchAgent> StartAsync(string id, IReadOnlyDictionary<string, string> env, int? brokerPort, string? dataDir = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "edgesync.dll");
        var published = Published;
        if (published is null ? !File.Exists(dll) : !File.Exists(published))
            throw new FileNotFoundException(published is null
                ? $"edgesync.dll is not next to the benchmark ({AppContext.BaseDirectory}); build the benchmark project."
                : $"EDGESYNC_BENCH_AGENT names '{published}', which does not exist; run ./publish.sh first.");
        var dir = dataDir ?? Directory.CreateTempSubdirectory("edgesync-fleetbench-").FullName;
        var port = LoopbackPort.Next();
        var psi = new ProcessStartInfo(published ?? "dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (published is null)
            psi.ArgumentList.Add(dll);
        foreach (var a in new[] { "run", "--node-id", id, "--data-dir", dir, "--api", $"127.0.0.1:{port}" })
            psi.ArgumentList.Add(a);
        if (brokerPort is { } broker)
        {
            psi.ArgumentList.Add("--broker");
            psi.ArgumentList.Add($"mqtt://127.0.0.1:{broker}");
        }

        foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("EDGESYNC_", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(name);
        foreach (var (k, v) in env)
            psi.Environment[k] = v;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start edgesync");
        // The agent's own output, for when one dies mid-run: overwritten by the next run.
        var log = new StreamWriter(LogPathOf(id), append: false) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Log(log, e.Data);
        process.ErrorDataReceived += (_, e) => Log(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var agent = new FleetBenchAgent(id, process, dataDir is null ? dir : null, port);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var r = await agent.Http.GetAsync("healthz");
                if (r.IsSuccessStatusCode)
                    return agent;
            }
            catch (HttpRequestException) when (clock.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
            {
                await Task.Delay(25);
            }
        }
    }

    /// <summary>Where the agent's stdout and stderr of the latest run go.</summary>
    public static string LogPathOf(string id) => Path.Combine(Path.GetTempPath(), $"edgesync-fleetbench-{id}.log");

    private static void Log(StreamWriter log, string? line)
    {
        if (line is null)
            return;
        lock (log)
            log.WriteLine(line);
    }

    /// <summary>Resident memory of the agent process (VmRSS), in MB.</summary>
    public double RssMegabytes() => ProcStat.RssMegabytes(_process.Id);

    public string RssParts() => ProcStat.RssParts(_process.Id);

    /// <summary>CPU time the agent has used so far (user + kernel), from /proc.</summary>
    public TimeSpan CpuTime() => ProcStat.CpuTime(_process.Id);

    /// <summary>Context switches of all the agent's threads so far (voluntary + involuntary).</summary>
    public long ContextSwitches() => ProcStat.ContextSwitches(_process.Id);

    public int Pid => _process.Id;

    public async Task<JsonNode> StatusAsync() => JsonNode.Parse(await Http.GetStringAsync("v1/status"))!;

    /// <summary>How many of <paramref name="writer"/>'s updates this node has applied (contiguously).</summary>
    public async Task<long> AppliedFromAsync(string actor) => (long?)(await StatusAsync())["versionVector"]?[actor] ?? 0;

    /// <summary>A clean stop, as systemd's: SIGTERM, then wait for the agent to exit.</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            if (_dir is not null)
                Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
