namespace EdgeSync.Core.Sync;

/// <summary>
/// Token bucket over bytes, refilled from the injected clock, one second of burst. Spending may
/// overdraw; callers check <see cref="Available"/> before starting work and back off while it
/// is not positive. Not thread-safe: the engine calls it under its own lock.
/// </summary>
public sealed class ByteRateLimiter
{
    private readonly long _perSecond;
    private readonly TimeProvider _time;
    private long _lastTimestamp;
    private double _tokens;

    public ByteRateLimiter(long bytesPerSecond, TimeProvider time)
    {
        _perSecond = bytesPerSecond;
        _time = time;
        _lastTimestamp = time.GetTimestamp();
        _tokens = bytesPerSecond;
    }

    public bool Unlimited => _perSecond <= 0;

    /// <summary>Bytes that may be sent now (long.MaxValue when unlimited; may be negative after an overdraw).</summary>
    public long Available
    {
        get
        {
            if (Unlimited)
            {
                return long.MaxValue;
            }

            Refill();
            return (long)_tokens;
        }
    }

    public void Spend(long bytes)
    {
        if (!Unlimited)
        {
            Refill();
            _tokens -= bytes;
        }
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_lastTimestamp, now);
        _lastTimestamp = now;
        _tokens = Math.Min(_perSecond, _tokens + (elapsed.TotalSeconds * _perSecond));
    }
}
