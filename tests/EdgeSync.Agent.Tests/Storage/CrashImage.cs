using EdgeSync.Agent.Storage;

namespace EdgeSync.Agent.Tests.Storage;

/// <summary>What a crash leaves of an open store: the database and every companion file (LiteDB's journal, the log, the kept tree), as they are now.</summary>
internal static class CrashImage
{
    public static void Copy(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(from, to);
        foreach (var (source, target) in LiteDbReplicaStorage.CompanionFilesOf(from).Zip(LiteDbReplicaStorage.CompanionFilesOf(to)))
        {
            if (File.Exists(source))
            {
                File.Copy(source, target);
            }
        }
    }
}
