using EdgeSync.Agent.Systemd;
using Microsoft.Extensions.Hosting;

namespace EdgeSync.Agent.Tests.Systemd.Probe;

/// <summary>The probe's main loop: a dedicated thread that ticks the watchdog every 50 ms until blocked.</summary>
public sealed class ProbeMainLoop : IHostedService, IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);
    private readonly SystemdWatchdog _watchdog;
    private readonly ManualResetEventSlim _stop = new();
    private readonly ManualResetEventSlim _blocked = new();
    private readonly ManualResetEventSlim _hung = new();
    private readonly Thread _thread;

    public ProbeMainLoop(SystemdWatchdog watchdog)
    {
        _watchdog = watchdog;
        _thread = new Thread(Loop) { IsBackground = true, Name = "probe-main-loop" };
    }

    /// <summary>Hangs the loop; returns, once it has stopped ticking, the pings it sent.</summary>
    public long Block()
    {
        _blocked.Set();
        if (!_hung.Wait(TimeSpan.FromSeconds(10)))
        {
            throw new InvalidOperationException("the main loop did not reach its blocking point");
        }

        return _watchdog.Sent;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _thread.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stop.Set();
        _thread.Join(TimeSpan.FromSeconds(5));
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _stop.Dispose();
        _blocked.Dispose();
        _hung.Dispose();
    }

    private void Loop()
    {
        while (!_stop.IsSet)
        {
            if (_blocked.IsSet)
            {
                _hung.Set();
                _stop.Wait(); // hung, as far as systemd can tell
                return;
            }

            _watchdog.Tick();
            _stop.Wait(Interval);
        }
    }
}
