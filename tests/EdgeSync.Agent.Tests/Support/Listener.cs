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
}
