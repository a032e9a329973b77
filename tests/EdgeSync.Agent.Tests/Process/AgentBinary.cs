using System.Reflection;

namespace EdgeSync.Agent.Tests.Process;

/// <summary>
/// Finds the built edgesync.dll to run as a child process: the copy the project reference puts
/// next to the tests (whatever -c was used), else the agent project's own output. With
/// <c>EDGESYNC_TEST_AGENT=path/to/edgesync</c> (absolute, or from the repository root) the child processes run that published executable
/// instead, so the whole suite can vouch for a build (e.g. the trimmed single file).
/// </summary>
public static class AgentBinary
{
    public static string Path { get; } = Locate();

    /// <summary>A published executable to run instead of <c>dotnet edgesync.dll</c>, or null.</summary>
    public static string? Published { get; } = LocatePublished();

    /// <summary>The command line that runs the agent: "dotnet edgesync.dll" or the published executable.</summary>
    public static string Command => Published ?? $"dotnet {Path}";

    private static string? LocatePublished()
    {
        var published = Environment.GetEnvironmentVariable("EDGESYNC_TEST_AGENT");
        if (string.IsNullOrEmpty(published))
        {
            return null;
        }

        // dotnet test runs the tests in their output folder: a relative path means one from the
        // repository root, where the documented command is typed.
        var full = System.IO.Path.IsPathRooted(published) ? published : Deploy.RepoRoot.File(published);
        return File.Exists(full)
            ? full
            : throw new FileNotFoundException($"EDGESYNC_TEST_AGENT names '{published}' ({full}), which does not exist.");
    }

    private static string Locate()
    {
        var here = AppContext.BaseDirectory;
        if (IsRunnable(here))
        {
            return System.IO.Path.Combine(here, "edgesync.dll");
        }

        var configuration = typeof(AgentBinary).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        for (var dir = new DirectoryInfo(here); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "EdgeSync.sln")))
            {
                var output = System.IO.Path.Combine(dir.FullName, "src", "EdgeSync.Agent", "bin", configuration, "net10.0");
                if (IsRunnable(output))
                {
                    return System.IO.Path.Combine(output, "edgesync.dll");
                }

                break;
            }
        }

        throw new FileNotFoundException($"edgesync.dll with its runtimeconfig was not found next to the tests ({here}) nor in the agent's {configuration} output; build the solution first.");
    }

    private static bool IsRunnable(string dir) =>
        File.Exists(System.IO.Path.Combine(dir, "edgesync.dll")) && File.Exists(System.IO.Path.Combine(dir, "edgesync.runtimeconfig.json"));
}
