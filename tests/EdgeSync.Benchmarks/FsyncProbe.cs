using System.Diagnostics;

namespace EdgeSync.Benchmarks;

/// <summary>The floor for one durable write on this disk: append 4 KB to a file and fsync it.</summary>
public static class FsyncProbe
{
    public static Latency Measure(string dir, int rounds)
    {
        var path = Path.Combine(dir, "fsync-probe.bin");
        var block = new byte[4096];
        var samples = new List<double>(rounds);
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            for (var i = 0; i < rounds; i++)
            {
                block[0] = (byte)i;
                var start = Stopwatch.GetTimestamp();
                file.Write(block);
                file.Flush(flushToDisk: true);
                samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }

        File.Delete(path);
        return Latency.Of(samples);
    }
}
