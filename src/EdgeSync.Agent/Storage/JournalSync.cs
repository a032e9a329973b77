using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeSync.Agent.Storage;

/// <summary>
/// Gets LiteDB's journal to the disk. LiteDB 5 writes each commit to <c>&lt;file&gt;-log.db</c>
/// with plain writes (no fsync), so after every commit (a flush of the write-ahead log into
/// LiteDB, which only then may reuse that log's file) we fsync that file through a handle of
/// our own. The journal is created lazily, truncated by checkpoints and deleted on a clean
/// close, so the handle is (re)opened whenever the path no longer matches it; a newly created
/// journal also gets its directory entry synced. When a checkpoint has moved pages into the
/// data file, the data file is synced too before the commit is acknowledged.
/// </summary>
internal sealed class JournalSync : IDisposable
{
    private readonly string _dataPath;
    private readonly string _logPath;
    private readonly string _directory;
    private SafeFileHandle? _log;
    private SafeFileHandle? _data;
    private long _lastLogLength;
    private long _logSyncs;
    private long _dataSyncs;

    public JournalSync(string dataPath)
    {
        _dataPath = dataPath;
        _logPath = LogPathOf(dataPath);
        _directory = Path.GetDirectoryName(Path.GetFullPath(dataPath)) ?? ".";
    }

    /// <summary>fsyncs of the journal, one per LiteDB commit. Readable from any thread.</summary>
    public long LogSyncs => Interlocked.Read(ref _logSyncs);

    /// <summary>fsyncs of the data file after a checkpoint.</summary>
    public long DataSyncs => Interlocked.Read(ref _dataSyncs);

    /// <summary>fsyncs of the directory after the journal was created.</summary>
    public long DirectorySyncs { get; private set; }

    public static string LogPathOf(string dataPath) =>
        Path.Combine(Path.GetDirectoryName(dataPath) ?? string.Empty, Path.GetFileNameWithoutExtension(dataPath) + "-log" + Path.GetExtension(dataPath));

    /// <summary>Make everything LiteDB has written so far durable. Call right after a commit.</summary>
    public void SyncAfterCommit()
    {
        var onDisk = new FileInfo(_logPath);
        if (!onDisk.Exists)
        {
            // Nothing journalled (or a checkpoint folded it all into the data file and removed it).
            CloseLog();
            SyncData();
            return;
        }

        if (_log is null || RandomAccess.GetLength(_log) != onDisk.Length)
        {
            // First commit since open, or the path now names another file than our handle.
            CloseLog();
            _log = File.OpenHandle(_logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            _lastLogLength = 0;
            SyncDirectory();
        }

        var length = RandomAccess.GetLength(_log);
        if (length < _lastLogLength)
        {
            // A checkpoint copied the journal into the data file and truncated it.
            SyncData();
        }

        _lastLogLength = length;
        RandomAccess.FlushToDisk(_log);
        Interlocked.Increment(ref _logSyncs);
    }

    public void Dispose()
    {
        CloseLog();
        _data?.Dispose();
        _data = null;
    }

    private void SyncData()
    {
        _data ??= File.OpenHandle(_dataPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        RandomAccess.FlushToDisk(_data);
        Interlocked.Increment(ref _dataSyncs);
    }

    private void CloseLog()
    {
        _log?.Dispose();
        _log = null;
    }

    private void SyncDirectory()
    {
        SyncDirectory(_directory);
        DirectorySyncs++;
    }

    /// <summary>A new file's name is only durable once its directory is synced (POSIX).</summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = NativeMethods.Open(directory, NativeMethods.ReadOnlyDirectory);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory '{directory}' to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (NativeMethods.Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = NativeMethods.Close(fd);
        }
    }
}
