using System.Net;
using System.Net.Sockets;
using EdgeSync.Agent.Tests.Process;

namespace EdgeSync.Agent.Tests.Emulation;

/// <summary>A base port P with P+1..P+N free right now, for the emulator's per-node API ports.</summary>
public static class PortRun
{
    public static int FreeBase(int nodes)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var p = FreePort.Next();
            if (p + nodes < 65535 && Enumerable.Range(p + 1, nodes).All(IsFree))
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
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
