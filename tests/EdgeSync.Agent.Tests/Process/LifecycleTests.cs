using System.Net;
using EdgeSync.Agent.Tests.Http;
using Xunit.Abstractions;

namespace EdgeSync.Agent.Tests.Process;

public sealed class LifecycleTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Sigterm_stops_cleanly_with_exit_0_and_quiet_logs()
    {
        await using var agent = await AgentProcess.StartAsync(_dir.Path, "life", new Dictionary<string, string> { ["EDGESYNC_Store__Engine"] = "memory" });
        output.WriteLine($"start-up to first /healthz: {agent.Startup.TotalMilliseconds:0} ms");
        Assert.Equal(HttpStatusCode.OK, (await Api.PutAsync(agent.Http, "life/k", "1")).Status);
        Assert.Equal(0, await agent.StopAsync());
        var lines = agent.Child.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(lines.Length, 1, 6);
        Assert.Contains(lines, l => l.Contains("serving http://127.0.0.1:", StringComparison.Ordinal));
        Assert.DoesNotContain("Exception", agent.Child.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// OpenSSL costs ~4 MB of resident memory; a node without TLS or a fleet key has no use for it. A fresh
    /// store draws its actor id, which once went through RandomNumberGenerator and loaded it.
    /// </summary>
    [Fact]
    public async Task A_fresh_node_that_writes_does_not_load_OpenSSL()
    {
        await using var agent = await AgentProcess.StartAsync(_dir.Path, "life");
        Assert.Equal(HttpStatusCode.OK, (await Api.PutAsync(agent.Http, "life/k", "1")).Status);
        Assert.True(File.Exists(Path.Combine(_dir.Path, "replica.actor")), "a fresh store drew its actor");

        var maps = await File.ReadAllTextAsync($"/proc/{agent.Child.Process.Id}/maps");
        Assert.DoesNotContain("libcrypto", maps, StringComparison.Ordinal);
        Assert.DoesNotContain("libssl", maps, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_agent_on_the_same_data_directory_refuses_to_start()
    {
        var env = new Dictionary<string, string> { ["EDGESYNC_Store__Engine"] = "memory" };
        await using var first = await AgentProcess.StartAsync(_dir.Path, "life", env);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => AgentProcess.StartAsync(_dir.Path, "life", env));
        Assert.Contains("in use by another edgesync agent", error.Message, StringComparison.Ordinal);
        Assert.Contains("exited with 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_is_exit_1_with_one_line()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var child = new ChildProcess(["run", "--node-id", "life", "--data-dir", _dir.Path, "--api", $"127.0.0.1:{port}"], new Dictionary<string, string> { ["EDGESYNC_Store__Engine"] = "memory" });
        Assert.Equal(1, await child.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var line = Assert.Single(child.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("edgesync:", StringComparison.Ordinal));
        Assert.Contains("address already in use", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", child.Stderr, StringComparison.Ordinal);
    }
}
