using System.Reflection;

namespace EdgeSync.Agent.Storage;

/// <summary>
/// Caps LiteDB's page cache. LiteDB 5.0.21 grows its cache in segments of 12, 50, 100, 500 and
/// then 1000 pages (8 KB each) and only recycles pages once more than a segment's worth sits
/// unused, so a busy store settles at ~1,660 pages (13 MB) that are never returned. That is a
/// fifth of a Pi Zero's budget for the whole agent; the hot index pages fit in far less and the
/// rest are one read from the OS page cache away. The sizes live in a mutable static of an
/// internal class, so this is version-specific: if the field is not there it changes nothing.
/// </summary>
internal static class LiteDbCacheLimit
{
    /// <summary>Segment sizes in pages: at most ~260 pages (2 MB) before pages are recycled.</summary>
    private static readonly int[] Segments = [12, 50, 100];

    private static int _applied;

    /// <summary>True when the limit is in force (LiteDB 5.0.x layout found).</summary>
    public static bool Active { get; private set; }

    /// <summary>Apply once per process, before the first database opens.</summary>
    public static void Apply()
    {
        if (Interlocked.Exchange(ref _applied, 1) == 1)
        {
            return;
        }

        var field = typeof(LiteDB.LiteDatabase).Assembly.GetType("LiteDB.Constants")
            ?.GetField("MEMORY_SEGMENT_SIZES", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static);
        if (field is { IsInitOnly: false } && field.FieldType == typeof(int[]))
        {
            field.SetValue(null, Segments.ToArray());
            Active = true;
        }
    }
}
