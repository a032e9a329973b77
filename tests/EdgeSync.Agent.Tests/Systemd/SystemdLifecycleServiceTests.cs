using EdgeSync.Agent.Systemd;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeSync.Agent.Tests.Systemd;

/// <summary>A real Kestrel host on a free loopback port, wired the way the agent's host is.</summary>
public sealed class SystemdLifecycleServiceTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Ready_comes_after_every_start_and_the_api_answers_then_stopping_on_stop()
    {
        using var systemd = NotifySocketListener.InTempDirectory();
        using var notifier = new SystemdNotifier(systemd.Address);
        using var gate = new SlowStart();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(gate);
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SlowStart>());
        builder.Services.AddEdgeSyncSystemd(notifier);
        await using var app = builder.Build();
        app.MapGet("/healthz", () => Results.Ok());

        var starting = app.StartAsync();
        Assert.True(gate.Entered.Wait(Deadline), "the slow hosted service never started");
        Assert.Null(systemd.Receive(TimeSpan.FromMilliseconds(200))); // nothing while a service is still starting
        gate.Release.Set();
        await starting;

        var seen = new List<string>();
        var (ready, _) = systemd.WaitFor(m => NotifySocketListener.HasLine(m, "READY=1"), Deadline, seen);
        var status = ready.Split('\n').Single(l => l.StartsWith("STATUS=serving on http://127.0.0.1:", StringComparison.Ordinal));
        var url = status["STATUS=serving on ".Length..];
        using var http = new HttpClient { Timeout = Deadline };
        using var health = await http.GetAsync(new Uri(new Uri(url), "/healthz"));
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);

        // What SIGTERM does through the host's console lifetime.
        app.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        systemd.WaitFor(m => NotifySocketListener.HasLine(m, "STOPPING=1"), Deadline, seen);
        await app.StopAsync();
        Assert.Single(seen, m => NotifySocketListener.HasLine(m, "READY=1"));
    }

    [Fact]
    public async Task Without_notify_socket_the_host_runs_and_sends_nothing()
    {
        using var notifier = new SystemdNotifier(null);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddEdgeSyncSystemd(notifier);
        await using var app = builder.Build();

        await app.StartAsync();
        await app.StopAsync();

        Assert.Equal(0, notifier.Sent + notifier.Failed);
        Assert.False(app.Services.GetRequiredService<SystemdWatchdog>().IsEnabled);
    }

    /// <summary>A hosted service whose start the test holds open, registered before the notifier.</summary>
    private sealed class SlowStart : IHostedService, IDisposable
    {
        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public Task StartAsync(CancellationToken cancellationToken)
        {
            Entered.Set();
            return Task.Run(() => Release.Wait(Deadline, cancellationToken), cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
            Entered.Dispose();
            Release.Dispose();
        }
    }
}
