using System.Net;
using System.Net.Sockets;

namespace EdgeSync.Benchmarks;

/// <summary>Free loopback ports for the processes the benchmarks start.</summary>
public static class LoopbackPort
{
    /// <summary>A port free on 127.0.0.1 just now (the OS picks it; the caller's process binds it soon after).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
