using System.Net;
using System.Net.Sockets;

namespace EdgeSync.Agent.Tests.Emulation;

/// <summary>A base port P with P+1..P+N free right now, for the emulator's per-node API ports.</summary>
public static class PortRun
{
    public static int FreeBase(int nodes)
    {
        // Below the ephemeral range (32768+ on Linux), where outgoing connections of parallel tests do not land.
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var p = Random.Shared.Next(20_000, 32_000);
            if (Enumerable.Range(p + 1, nodes).All(IsFree))
            {
                return p;
            }
        }

        throw new InvalidOperationException("no run of free loopback ports found");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true); // as Kestrel binds
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
