namespace EdgeSync.Core.Leds;

/// <summary>
/// The main loop calls <see cref="Beat"/> each turn; the LED tick reads <see cref="Elapsed"/>.
/// Monotonic (TimeProvider timestamps), so wall-clock jumps at boot (Pi without RTC, NTP
/// catching up) never make a live agent look hung. Thread-safe.
/// </summary>
public sealed class LoopHeartbeat
{
    private readonly TimeProvider _time;
    private long _last;

    public LoopHeartbeat(TimeProvider time)
    {
        _time = time;
        _last = time.GetTimestamp();
    }

    public void Beat() => Interlocked.Exchange(ref _last, _time.GetTimestamp());

    public TimeSpan Elapsed => _time.GetElapsedTime(Interlocked.Read(ref _last));
}
