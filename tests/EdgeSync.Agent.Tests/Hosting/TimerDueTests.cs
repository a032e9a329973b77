using EdgeSync.Agent.Hosting;

namespace EdgeSync.Agent.Tests.Hosting;

public sealed class TimerDueTests
{
    [Theory]
    [InlineData(-5.0, 1.0)] // overdue: as soon as a timer can
    [InlineData(0.0, 1.0)]
    [InlineData(0.3, 1.0)]
    [InlineData(2.0, 2.0)]
    [InlineData(2.0001, 3.0)] // never a millisecond early, which would wake the caller twice
    [InlineData(149.6, 150.0)]
    public void A_wait_is_rounded_up_to_whole_milliseconds_and_at_least_one(double waitMs, double dueMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(dueMs), TimerDue.For(TimeSpan.FromMilliseconds(waitMs)));
}
