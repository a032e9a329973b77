namespace EdgeSync.Core.Tests.Clocks;

/// <summary>
/// A wall clock the test sets to any instant, backwards included (FakeTimeProvider refuses to go
/// back, but a Pi without RTC does exactly that when it reboots into 1970).
/// </summary>
public sealed class SettableTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(long milliseconds) => Now = Now.AddMilliseconds(milliseconds);
}
