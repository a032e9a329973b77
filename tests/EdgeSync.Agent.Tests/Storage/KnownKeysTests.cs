using EdgeSync.Agent.Storage;

namespace EdgeSync.Agent.Tests.Storage;

public sealed class KnownKeysTests
{
    [Fact]
    public void Never_says_absent_for_a_key_it_was_given_and_rarely_says_maybe_for_others()
    {
        var known = new KnownKeys(expectedKeys: 50_000);
        for (var i = 0; i < 50_000; i++)
        {
            known.Add($"sensors/{i:D7}");
        }

        Assert.All(Enumerable.Range(0, 50_000), i => Assert.True(known.MayContain($"sensors/{i:D7}")));
        var falsePositives = Enumerable.Range(0, 50_000).Count(i => known.MayContain($"other/{i:D7}"));
        Assert.True(falsePositives < 500, $"{falsePositives} of 50,000 unknown keys answered 'maybe' (sized for ~1 %)");
    }

    [Fact]
    public void Overfilled_it_only_answers_maybe_more_often()
    {
        var known = new KnownKeys(expectedKeys: 0); // 1 Mbit, given 400k keys
        for (var i = 0; i < 400_000; i++)
        {
            known.Add($"k{i}");
        }

        Assert.All(Enumerable.Range(0, 400_000).Where(i => i % 97 == 0), i => Assert.True(known.MayContain($"k{i}")));
    }
}
