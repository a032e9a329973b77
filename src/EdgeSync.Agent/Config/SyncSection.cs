namespace EdgeSync.Agent.Config;

/// <summary>Config section <c>Sync</c>: anti-entropy period and bandwidth cap.</summary>
public sealed class SyncSection
{
    public TimeSpan AntiEntropyInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Anti-entropy traffic cap; 0 = unlimited.</summary>
    public long MaxBytesPerSecond { get; set; } = 1024 * 1024;

    public static SyncSection Read(SectionReader r)
    {
        var s = new SyncSection();
        s.AntiEntropyInterval = r.Duration(nameof(AntiEntropyInterval), s.AntiEntropyInterval);
        s.MaxBytesPerSecond = r.Long(nameof(MaxBytesPerSecond), s.MaxBytesPerSecond);
        r.RejectUnknown();
        return s;
    }

    public IEnumerable<string> Validate()
    {
        if (AntiEntropyInterval < TimeSpan.FromMilliseconds(100) || AntiEntropyInterval > TimeSpan.FromHours(1))
        {
            yield return $"Sync:AntiEntropyInterval must be between 100ms and 1h (got {DurationText.Format(AntiEntropyInterval)})";
        }

        if (MaxBytesPerSecond < 0 || (MaxBytesPerSecond > 0 && MaxBytesPerSecond < 4096))
        {
            yield return $"Sync:MaxBytesPerSecond must be 0 (unlimited) or at least 4096 (got {MaxBytesPerSecond})";
        }
    }
}
