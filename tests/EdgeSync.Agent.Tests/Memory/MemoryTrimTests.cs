using EdgeSync.Agent.Memory;

namespace EdgeSync.Agent.Tests.Memory;

public sealed class MemoryTrimTests
{
    private const long MB = 1024 * 1024;

    [Theory]
    [InlineData(64 * MB, 40 * MB, 10 * MB, true)] // a burst, 30 MB of slack: trim
    [InlineData(8 * MB, 40 * MB, 10 * MB, false)] // little allocated since the last trim
    [InlineData(64 * MB, 14 * MB, 10 * MB, false)] // little slack to give back
    [InlineData(MemoryTrim.MinAllocated, (10 * MB) + MemoryTrim.MinSlack, 10 * MB, true)] // both at their thresholds
    public void Trims_only_after_a_burst_that_left_slack(long allocated, long committed, long heap, bool expected) =>
        Assert.Equal(expected, MemoryTrim.ShouldTrim(allocated, committed, heap));
}
