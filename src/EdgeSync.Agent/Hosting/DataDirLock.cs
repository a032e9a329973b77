namespace EdgeSync.Agent.Hosting;

/// <summary>
/// An exclusive lock file in the data directory: two agents on one LiteDB file corrupt it
/// (LiteDB #2163), so a second agent on the same directory refuses to start. The kernel drops
/// the lock when the process dies, so a kill -9 never leaves it stale.
/// </summary>
public sealed class DataDirLock : IDisposable
{
    private readonly FileStream _file;

    private DataDirLock(FileStream file) => _file = file;

    /// <summary>Creates the directory if needed; throws <see cref="IOException"/> with a clear message otherwise.</summary>
    public static DataDirLock Acquire(string dataDir)
    {
        try
        {
            Directory.CreateDirectory(dataDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot create the data directory {dataDir} ({e.Message})", e);
        }

        var path = Path.Combine(dataDir, "edgesync.lock");
        try
        {
            // FileShare.None takes an advisory flock on Unix.
            return new DataDirLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"cannot write in the data directory {dataDir} ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw new IOException($"the data directory {dataDir} is in use by another edgesync agent", e);
        }
    }

    public void Dispose() => _file.Dispose();
}
