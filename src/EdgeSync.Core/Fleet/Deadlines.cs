namespace EdgeSync.Core.Fleet;

/// <summary>Picks the next deadline among timestamps, ignoring those already passed (their tick has run).</summary>
internal static class Deadlines
{
    public static long Earliest(long now, params ReadOnlySpan<long> candidates)
    {
        var due = long.MaxValue;
        foreach (var at in candidates)
        {
            if (at > now && at < due)
            {
                due = at;
            }
        }

        return due;
    }
}
