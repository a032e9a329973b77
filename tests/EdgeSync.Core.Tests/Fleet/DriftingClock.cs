namespace EdgeSync.Core.Tests.Fleet;

/// <summary>One node's monotonic clock in the simulation: real (simulated) time at a fixed rate error.</summary>
internal sealed class DriftingClock(Func<long> realTicks, double rate, long offset) : TimeProvider
{
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => offset + (long)(realTicks() * rate);

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddTicks(GetTimestamp());
}
