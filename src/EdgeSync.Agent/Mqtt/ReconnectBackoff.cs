namespace EdgeSync.Agent.Mqtt;

/// <summary>
/// Exponential backoff with "equal jitter": attempt n waits a random time in [d/2, d] where
/// d = min(max, initial·2ⁿ). The jitter keeps a fleet that lost its broker from reconnecting in lock-step.
/// Not thread-safe; owned by the reconnect loop.
/// </summary>
public sealed class ReconnectBackoff(TimeSpan initial, TimeSpan max, Random random)
{
    private int _attempt;

    public int Attempt => _attempt;

    public TimeSpan Next()
    {
        var ceiling = Math.Min(max.Ticks, initial.Ticks * Math.Pow(2, Math.Min(_attempt, 30)));
        _attempt++;
        var half = ceiling / 2;
        return TimeSpan.FromTicks((long)(half + random.NextDouble() * half));
    }

    public void Reset() => _attempt = 0;
}
