using System.Text;

namespace EdgeSync.Agent.Storage;

/// <summary>Small files replaced atomically and durably: a crash or power cut leaves the old content or the new, never a mix or nothing.</summary>
public static class DurableFile
{
    /// <summary>Writes <paramref name="text"/> aside, fsyncs it, renames it over <paramref name="path"/> and fsyncs the directory (so the rename itself survives).</summary>
    public static void Replace(string path, string text) => Replace(path, Encoding.UTF8.GetBytes(text));

    /// <summary>The same for <paramref name="bytes"/>.</summary>
    public static void Replace(string path, ReadOnlySpan<byte> bytes)
    {
        var temp = path + ".tmp";
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (IOException)
        {
            // A full disk, most likely: leave no half-written file behind to take its space.
            TryDelete(temp);
            throw;
        }

        JournalSync.SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The write's own error is the one worth reporting.
        }
    }
}
