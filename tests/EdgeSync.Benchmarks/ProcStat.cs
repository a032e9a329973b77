using System.Globalization;

namespace EdgeSync.Benchmarks;

/// <summary>Resident memory, CPU time and context switches of a process, and the machine's busy time, from /proc (Linux).</summary>
public static class ProcStat
{
    /// <summary>CPU time the process has used so far (user + kernel).</summary>
    public static TimeSpan CpuTime(int pid)
    {
        // /proc/PID/stat: fields 14 and 15 (utime, stime) in clock ticks, counted after the ")" of the command name.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
    }

    /// <summary>Numeric fields of /proc/PID/status (kB for the memory ones).</summary>
    public static Dictionary<string, long> Status(int pid) =>
        File.ReadAllLines($"/proc/{pid}/status")
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2 && long.TryParse(p[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture, out _))
            .ToDictionary(p => p[0], p => long.Parse(p[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture));

    /// <summary>Resident memory of the process (VmRSS), in MB.</summary>
    public static double RssMegabytes(int pid) => Status(pid)["VmRSS"] / 1024.0;

    /// <summary>VmRSS split as the kernel counts it: anonymous (heaps), file-backed (the binary, assemblies), shared.</summary>
    public static string RssParts(int pid)
    {
        var kb = Status(pid);
        return string.Create(CultureInfo.InvariantCulture, $"anon {kb["RssAnon"] / 1024.0:F1} + file {kb["RssFile"] / 1024.0:F1} + shared {kb["RssShmem"] / 1024.0:F1}");
    }

    /// <summary>Context switches of all the process's threads so far (voluntary + involuntary).</summary>
    public static long ContextSwitches(int pid) =>
        Directory.EnumerateDirectories($"/proc/{pid}/task").Sum(task =>
        {
            try
            {
                return File.ReadLines(Path.Combine(task, "status"))
                    .Where(l => l.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || l.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    .Sum(l => long.Parse(l.Split(':')[1].Trim(), CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                return 0L; // the thread ended meanwhile
            }
        });

    /// <summary>The machine's (busy, total) CPU time so far, summed over all cores: busy excludes idle and iowait.</summary>
    public static (TimeSpan Busy, TimeSpan Total) Machine()
    {
        var cpu = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var total = cpu.Sum();
        var idle = cpu[3] + cpu[4];
        return (TimeSpan.FromSeconds((total - idle) / 100.0), TimeSpan.FromSeconds(total / 100.0));
    }
}
