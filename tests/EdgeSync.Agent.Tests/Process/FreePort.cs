using System.Net;
using System.Net.Sockets;

namespace EdgeSync.Agent.Tests.Process;

public static class FreePort
{
    private static readonly HashSet<int> Given = [];

    /// <summary>
    /// A loopback port nobody listens on right now (the OS picks it), and never one handed out before
    /// in this test run: the OS gives the same port again within a few hundred picks (1–2 % of them
    /// here), and two agents started at once on one port leave one test talking to the other's agent.
    /// </summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (Given)
            {
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
