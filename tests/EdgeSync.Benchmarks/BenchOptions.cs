using System.Globalization;

namespace EdgeSync.Benchmarks;

/// <summary>Options of the durable-put benchmark; null when they do not parse.</summary>
public sealed record BenchOptions(string Dir, double Seconds, int RssKeys, int Demo, (int Keys, bool Reopen)? RssChild)
{
    public static BenchOptions? Parse(string[] args)
    {
        var o = new BenchOptions(Path.Combine(Path.GetTempPath(), "edgesync-bench"), 5, 100_000, 0, null);
        for (var i = 0; i < args.Length; i++)
        {
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            switch (args[i])
            {
                case "--dir" when Next() is { } dir:
                    o = o with { Dir = Path.GetFullPath(dir) };
                    break;
                case "--seconds" when double.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0:
                    o = o with { Seconds = s };
                    break;
                case "--rss-keys" when int.TryParse(Next(), CultureInfo.InvariantCulture, out var n) && n > 0:
                    o = o with { RssKeys = n };
                    break;
                case "--demo" when int.TryParse(Next(), CultureInfo.InvariantCulture, out var d) && d > 0:
                    o = o with { Demo = d };
                    break;
                case "--rss-child" when int.TryParse(Next(), CultureInfo.InvariantCulture, out var k) && Next() is "fresh" or "reopen":
                    o = o with { RssChild = (k, args[i] == "reopen") };
                    break;
                default:
                    return null;
            }
        }

        return o;
    }
}
