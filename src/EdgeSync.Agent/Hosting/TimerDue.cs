namespace EdgeSync.Agent.Hosting;

/// <summary>
/// Due times for one-shot timers armed for a deadline. A timer counts whole milliseconds, so a
/// fractional wait can fire just before the deadline: the callback then finds nothing due yet and
/// arms again for the sliver left, two wake-ups per deadline. Rounding up makes it one.
/// </summary>
public static class TimerDue
{
    /// <summary><paramref name="wait"/> rounded up to a whole millisecond, at least one.</summary>
    public static TimeSpan For(TimeSpan wait) =>
        TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling(wait.TotalMilliseconds)));
}
