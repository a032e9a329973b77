using System.Globalization;

namespace EdgeSync.Agent.Config;

/// <summary>Durations as people write them in config and query strings: 500ms, 5s, 2m, 1h or 00:00:05.</summary>
public static class DurationText
{
    public const string Hint = "a duration such as 500ms, 5s, 2m or 00:00:05";

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        (string Suffix, double Ms)[] units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];
        foreach (var (suffix, ms) in units)
        {
            if (s.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(s[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)
                && double.IsFinite(n))
            {
                return TryFromMs(n * ms, out value);
            }
        }

        if (s.Contains(':', StringComparison.Ordinal)
            && TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero)
        {
            value = span;
            return true;
        }

        return false;
    }

    public static string Format(TimeSpan value) =>
        value.TotalMilliseconds % 1000 == 0 ? $"{value.TotalSeconds:0}s" : $"{value.TotalMilliseconds:0}ms";

    private static bool TryFromMs(double ms, out TimeSpan value)
    {
        value = default;
        if (ms < 0 || ms > TimeSpan.FromDays(365).TotalMilliseconds)
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(ms);
        return true;
    }
}
