using System.Diagnostics;
using EdgeSync.Agent.Systemd;

namespace EdgeSync.Agent.Tests.Systemd;

/// <summary>
/// Real time, real thread (timeout long enough that a loaded CI machine's scheduling delays stay
/// well inside it): a main loop ticking every 10 ms against WATCHDOG_USEC = 2 s.
/// Pings come every second while it runs, stop once it blocks, and resume when it runs again.
/// </summary>
public sealed class BlockedMainLoopTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Period = Timeout / 2;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public void Watchdog_pings_follow_the_main_loop_and_stop_when_it_blocks()
    {
        using var systemd = NotifySocketListener.InTempDirectory();
        using var notifier = new SystemdNotifier(systemd.Address);
        var watchdog = new SystemdWatchdog(notifier, Timeout, TimeProvider.System);
        using var loop = new TickingLoop(watchdog, TimeSpan.FromMilliseconds(10));

        // Cadence: never faster than one period (judged over the whole span, so a late read of one
        // datagram cannot fake a short gap), never a gap as long as the timeout, mean well inside it
        // (gaps run a little over the period: the first tick after it sends; more so on a loaded machine).
        var stamps = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            stamps.Add(systemd.WaitFor(m => m == "WATCHDOG=1", Deadline).Timestamp);
        }

        var gaps = stamps.Zip(stamps.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a, b)).ToList();
        Assert.All(gaps, gap => Assert.True(gap < Timeout, $"gap {gap} reached the timeout"));
        var span = Stopwatch.GetElapsedTime(stamps[0], stamps[^1]);
        // Receive times: the first datagram may be read late on a loaded machine, which shortens the
        // span; 300 ms of slack still fails a ping per tick (10 ms apart) by far.
        Assert.InRange(span, (Period * gaps.Count) - TimeSpan.FromMilliseconds(300), Timeout * 0.8 * gaps.Count);

        // Block the loop. Pings sent before it blocked may still be queued: drain exactly those.
        var sentBeforeBlock = loop.Block();
        var received = stamps.Count;
        while (received < sentBeforeBlock)
        {
            systemd.WaitFor(m => m == "WATCHDOG=1", Deadline);
            received++;
        }

        // Three whole periods with no ping: systemd would now restart the agent.
        Assert.Null(systemd.Receive(Period * 3));
        Assert.Equal(sentBeforeBlock, watchdog.Sent);

        loop.Unblock();
        systemd.WaitFor(m => m == "WATCHDOG=1", Deadline);

        // The datagram can arrive before the loop thread counts it: wait for the count, not assume it.
        Assert.True(
            SpinWait.SpinUntil(() => watchdog.Sent > sentBeforeBlock, Deadline),
            $"a ping arrived after unblocking but Sent stayed at {watchdog.Sent}");
    }

    /// <summary>A stand-in main loop: ticks the watchdog, can be made to hang.</summary>
    private sealed class TickingLoop : IDisposable
    {
        private readonly SystemdWatchdog _watchdog;
        private readonly TimeSpan _interval;
        private readonly ManualResetEventSlim _running = new(initialState: true);
        private readonly ManualResetEventSlim _blocked = new(initialState: false);
        private readonly Thread _thread;
        private volatile bool _stop;

        public TickingLoop(SystemdWatchdog watchdog, TimeSpan interval)
        {
            _watchdog = watchdog;
            _interval = interval;
            _thread = new Thread(Run) { IsBackground = true, Name = "test-main-loop" };
            _thread.Start();
        }

        /// <summary>Makes the loop hang before its next tick; returns the pings sent up to then.</summary>
        public long Block()
        {
            _running.Reset();
            Assert.True(_blocked.Wait(Deadline), "the loop did not reach its blocking point");
            return _watchdog.Sent;
        }

        public void Unblock()
        {
            _blocked.Reset();
            _running.Set();
        }

        public void Dispose()
        {
            _stop = true;
            _running.Set();
            _thread.Join(Deadline);
            _running.Dispose();
            _blocked.Dispose();
        }

        private void Run()
        {
            using var pace = new ManualResetEventSlim(false);
            while (!_stop)
            {
                if (!_running.IsSet)
                {
                    _blocked.Set();
                    _running.Wait();
                    continue;
                }

                _watchdog.Tick();
                pace.Wait(_interval); // the loop's own idle wait, as a real loop waits for work
            }
        }
    }
}
