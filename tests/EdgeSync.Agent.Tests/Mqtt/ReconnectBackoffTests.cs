using EdgeSync.Agent.Mqtt;

namespace EdgeSync.Agent.Tests.Mqtt;

public class ReconnectBackoffTests
{
    [Fact]
    public void Grows_exponentially_with_jitter_up_to_the_cap_and_resets()
    {
        var initial = TimeSpan.FromMilliseconds(100);
        var max = TimeSpan.FromSeconds(5);
        var backoff = new ReconnectBackoff(initial, max, new Random(42));
        var delays = Enumerable.Range(0, 12).Select(_ => backoff.Next()).ToList();
        for (var n = 0; n < delays.Count; n++)
        {
            var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, n));
            Assert.InRange(delays[n].TotalMilliseconds, ceiling / 2, ceiling);
        }

        Assert.True(delays[^1] > TimeSpan.FromSeconds(2.5) - TimeSpan.FromTicks(1));
        backoff.Reset();
        Assert.InRange(backoff.Next().TotalMilliseconds, 50, 100);
    }

    [Fact]
    public void Different_seeds_spread_a_fleet_apart_and_equal_seeds_repeat()
    {
        static List<TimeSpan> Run(int seed)
        {
            var b = new ReconnectBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), new Random(seed));
            return Enumerable.Range(0, 6).Select(_ => b.Next()).ToList();
        }

        Assert.Equal(Run(1), Run(1));
        Assert.NotEqual(Run(1), Run(2));
    }
}
