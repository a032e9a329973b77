using System.Runtime.InteropServices;

namespace EdgeSync.Agent.Storage;

/// <summary>
/// The libc calls .NET does not expose: syncing a directory needs a descriptor on the directory
/// itself, which <see cref="File.OpenHandle"/> refuses to open; fdatasync is not exposed at all. Linux only.
/// </summary>
internal static class NativeMethods
{
    /// <summary>
    /// O_RDONLY | O_CLOEXEC, the same on x64 and arm64 Linux (O_DIRECTORY differs between them,
    /// and a plain read-only open of a directory is enough to fsync it).
    /// </summary>
    public const int ReadOnlyDirectory = 0x0 | 0x80000;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Fdatasync(Microsoft.Win32.SafeHandles.SafeFileHandle fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Close(int fd);
}
