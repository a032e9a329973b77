using EdgeSync.Agent.Memory;

namespace EdgeSync.Agent.Tests.Memory;

public sealed class MemoryTrimTests
{
    private const long MB = 1024 * 1024;

    [Theory]
    [InlineData(64 * MB, 1 * MB, 30 * MB, true)] // a burst that is over, 30 MB committed: trim
    [InlineData(8 * MB, 1 * MB, 30 * MB, false)] // little allocated since the last trim
    [InlineData(64 * MB, 40 * MB, 30 * MB, false)] // still busy: the memory is in use
    [InlineData(64 * MB, 1 * MB, 6 * MB, false)] // too little committed to bother
    [InlineData(MemoryTrim.MinAllocated, MemoryTrim.QuietAllocated, MemoryTrim.MinCommitted, true)] // all at their thresholds
    public void Trims_once_a_burst_is_over(long sinceTrim, long thisInterval, long committed, bool expected) =>
        Assert.Equal(expected, MemoryTrim.ShouldTrim(sinceTrim, thisInterval, committed));
}
