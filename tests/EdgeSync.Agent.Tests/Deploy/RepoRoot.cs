namespace EdgeSync.Agent.Tests.Deploy;

/// <summary>The repository checkout the tests run from (the folder holding EdgeSync.sln).</summary>
public static class RepoRoot
{
    public static string Path { get; } = Locate();

    public static string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "EdgeSync.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no EdgeSync.sln above {AppContext.BaseDirectory}");
    }
}
