using System.Net;
using System.Net.Sockets;

namespace EdgeSync.Agent.Tests.Support;

/// <summary>Waits, under a deadline, until something accepts TCP connections on a loopback port.</summary>
public static class Listener
{
    /// <param name="failure">Says why waiting is pointless (the server exited), or null to keep waiting.</param>
    public static Task WaitAsync(int port, Func<Task<string?>> failure, TimeSpan timeout) =>
        Eventually.TrueAsync(
            async () =>
            {
                if (await failure() is { } problem)
                    throw new InvalidOperationException(problem);
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await probe.ConnectAsync(IPAddress.Loopback, port);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            },
            $"a listener on 127.0.0.1:{port}",
            timeout);

    /// <summary>Waits for a server process's port; gives up with its log when the process exits first.</summary>
    public static Task WaitForProcessAsync(int port, System.Diagnostics.Process? process, string logFile, TimeSpan timeout) =>
        WaitAsync(
            port,
            async () => process is { HasExited: true }
                ? $"{process.StartInfo.FileName} exited with {process.ExitCode}; log: {(File.Exists(logFile) ? await File.ReadAllTextAsync(logFile) : "none")}"
                : null,
            timeout);
}
