using System.Globalization;
using EdgeSync.Agent.Systemd;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeSync.Agent.Tests.Systemd.Probe;

/// <summary>
/// A minimal agent wired to systemd exactly as the real host is told to (README "Host
/// integration"): Kestrel on loopback, /healthz, a main loop that ticks the watchdog, and a
/// test-only POST /probe/block that hangs that loop.
/// </summary>
public static class SystemdProbeHost
{
    public static int Run(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.AddJournaldConsoleWhenUnderSystemd();
        builder.Services.AddSingleton<ProbeMainLoop>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ProbeMainLoop>());
        builder.Services.AddEdgeSyncSystemd();
        using var app = builder.Build();
        app.MapGet("/healthz", () => Results.Ok());
        app.MapPost("/probe/block", (ProbeMainLoop loop) => Results.Text(loop.Block().ToString(CultureInfo.InvariantCulture)));
        app.Run();
        return 0;
    }
}
