namespace EdgeSync.Agent.Tests.Deploy;

/// <summary>
/// artifacts/linux-arm64/edgesync as publish.sh builds it — published again only when a source,
/// project or build file is newer than the binary (an R2R arm64 publish takes ~30 s idle).
/// </summary>
public static class Arm64Binary
{
    public static string Path => RepoRoot.File("artifacts", "linux-arm64", "edgesync");

    public static string[] QemuCandidates { get; } = ["/usr/bin/qemu-aarch64-static", "/usr/bin/qemu-aarch64"];

    /// <summary>The qemu user-mode emulator, or a failure that says how to get it.</summary>
    public static string Qemu =>
        QemuCandidates.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("qemu-aarch64-static is not installed: run tests/run.sh as root (it installs qemu-user-static and the arm64 libc6/libstdc++6/zlib1g) or `apt-get install qemu-user-static`.");

    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>Returns the binary path, publishing first when it is missing or stale.</summary>
    public static async Task<string> EnsureAsync(Action<string> log)
    {
        await Gate.WaitAsync();
        try
        {
            var newest = NewestInput();
            if (File.Exists(Path) && File.GetLastWriteTimeUtc(Path) >= newest.Time)
            {
                log($"arm64 binary up to date ({Path})");
                return Path;
            }

            log(File.Exists(Path) ? $"arm64 binary older than {newest.File}: publishing" : "no arm64 binary: publishing");
            var publish = await Shell.RunAsync("bash", [RepoRoot.File("publish.sh"), "--rid", "linux-arm64"], TimeSpan.FromMinutes(20));
            log($"./publish.sh --rid linux-arm64: exit {publish.ExitCode} in {publish.Elapsed.TotalSeconds:F0} s");
            Assert.True(publish.ExitCode == 0, $"./publish.sh --rid linux-arm64 failed:\n{publish.Output}");
            return Path;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static (DateTime Time, string File) NewestInput()
    {
        var files = Directory.EnumerateFiles(RepoRoot.File("src"), "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{System.IO.Path.DirectorySeparatorChar}bin{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{System.IO.Path.DirectorySeparatorChar}obj{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Concat(new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", "publish.sh" }.Select(f => RepoRoot.File(f)).Where(File.Exists));
        return files.Select(f => (File.GetLastWriteTimeUtc(f), f)).Max();
    }
}
