using System.Device.Gpio;
using EdgeSync.Agent.Hosting;
using EdgeSync.Core.Leds;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeSync.Agent.Gpio;

/// <summary>
/// Runs the LEDs and the demo button for one agent. At each blink or flash edge, and at least every
/// <see cref="SampleInterval"/>, it samples the node state through the host's <c>Func&lt;LedInput&gt;</c>
/// and lets <see cref="LedController"/> write the changes to the configured driver. The host wires
/// <see cref="OnPress"/> (increment <c>demo/button/{nodeId}</c>) and <see cref="OnLongPress"/>
/// (ask the leader to step down) before start. GPIO trouble never stops the agent: it is one
/// log line and dark LEDs.
/// </summary>
public sealed class LedService : IHostedService, IDisposable
{
    /// <summary>
    /// How soon a new state shows that nobody announced (a flash for a burst of updates, a stalled main
    /// loop); role and partition changes show at once through <see cref="Refresh"/>. Blink and flash edges
    /// are timed exactly, so this only bounds the delay of a change; steady LEDs cost ten wake-ups a
    /// second, not forty.
    /// </summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(100);

    private readonly GpioOptions _options;
    private readonly Func<LedInput> _state;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IGpioPlatform _platform;
    private readonly Func<GpioController?>? _openController;
    private readonly Lock _tickGate = new();
    private LedController? _controller;
    private GpioController? _gpio;
    private GpioLedSink? _gpioSink;
    private DemoButton? _button;
    private ITimer? _timer;
    private bool _running;
    private bool _refresh; // a refresh was asked for since the current tick began; under _tickGate
    private bool _stateFailureLogged;

    public LedService(GpioOptions options, Func<LedInput> state, TimeProvider time, ILogger<LedService> logger, IGpioPlatform? platform = null)
        : this(options, state, time, logger, platform ?? new LinuxGpioPlatform(), null)
    {
    }

    /// <summary>For tests: <paramref name="openController"/> replaces the platform probe (e.g. a recording driver).</summary>
    internal LedService(GpioOptions options, Func<LedInput> state, TimeProvider time, ILogger logger, IGpioPlatform platform, Func<GpioController?>? openController)
    {
        _options = options;
        _state = state;
        _time = time;
        _logger = logger;
        _platform = platform;
        _openController = openController;
    }

    /// <summary>Press: the host increments <c>demo/button/{nodeId}</c>.</summary>
    public Func<Task> OnPress { get; set; } = () => Task.CompletedTask;

    /// <summary>Long press: the host asks the current leader to step down.</summary>
    public Func<Task> OnLongPress { get; set; } = () => Task.CompletedTask;

    /// <summary>What drives the LEDs: "virtual", "none", "off" (GPIO unavailable) or the chip in use.</summary>
    public string Mode { get; private set; } = "none";

    /// <summary>The LED states for /v1/status <c>leds</c>; null with <c>Driver=none</c>.</summary>
    public LedSnapshot? Leds => _options.DriverKind == GpioDriverKind.None ? null : _controller?.Snapshot ?? LedSnapshot.AllOff;

    /// <summary>The in-memory LEDs with <c>Driver=virtual</c>.</summary>
    public VirtualLedSink? Virtual { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        ILedSink sink;
        switch (_options.DriverKind)
        {
            case GpioDriverKind.None:
                Mode = "none";
                return Task.CompletedTask;
            case GpioDriverKind.Virtual:
                Virtual = new VirtualLedSink();
                sink = Virtual;
                Mode = "virtual";
                break;
            default:
                sink = OpenGpio();
                break;
        }

        lock (_tickGate)
        {
            _controller = new LedController(sink, _time);
            _running = true;
        }

        // Armed only once assigned, so the first tick can re-arm it.
        var timer = _time.CreateTimer(_ => TickAndSchedule(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer = timer;
        timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_tickGate)
        {
            // Under the gate, so a tick already running can neither relight an LED nor re-arm the timer after this.
            _timer?.Dispose();
            _timer = null;
            _running = false;
            _controller?.TurnOff();
        }

        _button?.Dispose();
        _button = null;
        _gpioSink?.Dispose();
        _gpioSink = null;
        _gpio?.Dispose();
        _gpio = null;
        return Task.CompletedTask;
    }

    public void Dispose() => StopAsync(CancellationToken.None).GetAwaiter().GetResult();

    private void TickAndSchedule()
    {
        Tick();
        var wait = SampleInterval;
        lock (_tickGate)
        {
            if (!_running || _controller is null)
            {
                return; // stopped: no new timer
            }

            if (_refresh)
            {
                wait = TimeSpan.Zero; // announced while this tick ran: it may have sampled too early
            }

            var now = _time.GetTimestamp();
            var edge = _controller.NextEdge(now);
            if (edge != long.MaxValue && _time.GetElapsedTime(now, edge) < wait)
            {
                wait = TimerDue.For(_time.GetElapsedTime(now, edge));
            }

            // Under the gate, so StopAsync cannot dispose the timer between the check above and this re-arm.
            _timer?.Change(wait, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Samples the state now rather than at the next edge or sample: the host calls it when the node's role or partition changed.</summary>
    public void Refresh()
    {
        lock (_tickGate)
        {
            if (_running)
            {
                _refresh = true;
                _timer?.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>One LED step; the timer calls it, and tests may too.</summary>
    internal void Tick()
    {
        lock (_tickGate)
        {
            if (!_running || _controller is null)
            {
                return;
            }

            _refresh = false; // this sample sees whatever a refresh announced so far
            LedInput input;
            try
            {
                input = _state();
            }
            catch (Exception ex)
            {
                // A state provider that throws is a bug elsewhere; skipping the tick freezes the
                // pattern, which is what a hung agent looks like anyway. Said once, not 40 times a second.
                if (!_stateFailureLogged)
                {
                    _stateFailureLogged = true;
                    _logger.LogWarning("LEDs: reading the node state failed: {Message}", ex.Message);
                }

                return;
            }

            _controller.Update(input);
        }
    }

    private ILedSink OpenGpio()
    {
        Mode = "off";
        _gpio = _openController is null
            ? GpioAccess.TryOpen(_options, _platform, _logger, out var description)
            : OpenInjected(out description);
        if (_gpio is null)
        {
            return NullLedSink.Instance;
        }

        _gpioSink = GpioLedSink.TryOpen(_gpio, _options, _logger);
        if (_gpioSink is null)
        {
            _gpio.Dispose();
            _gpio = null;
            return NullLedSink.Instance;
        }

        Mode = description;
        _logger.LogInformation("LEDs on {Mode}", description);
        if (_options.Button.Enabled)
        {
            try
            {
                _button = new DemoButton(_gpio, _options.Button, _time, () => OnPress(), () => OnLongPress(), _logger);
            }
            catch (Exception ex) when (GpioLedSink.IsGpioFailure(ex))
            {
                _logger.LogWarning("GPIO: cannot watch the button on GPIO {Pin}: {Message}; the LEDs still work.", _options.Button.Pin, ex.Message);
            }
        }

        return _gpioSink;
    }

    private GpioController? OpenInjected(out string description)
    {
        description = "gpio: injected driver";
        return _openController!();
    }
}
