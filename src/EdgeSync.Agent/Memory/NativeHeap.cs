using System.Runtime.InteropServices;

namespace EdgeSync.Agent.Memory;

/// <summary>
/// Hands the C heap's free pages back to the OS. glibc keeps freed memory inside its arenas, and
/// only trims the top of the main one by itself, so what the runtime's native side (sockets, file
/// I/O, the GC's bookkeeping) took during a burst stays resident. Linux/glibc only; elsewhere a no-op.
/// </summary>
internal static class NativeHeap
{
    private static bool _unavailable;

    /// <summary>Returns true when memory was given back.</summary>
    public static bool Trim()
    {
        if (_unavailable || !OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return MallocTrim(0) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true; // musl and others have no malloc_trim
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);
}
