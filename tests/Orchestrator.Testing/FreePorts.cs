using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Testing;

/// <summary>Loopback ports for the servers a test starts.</summary>
public static class FreePorts
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>A loopback port nobody listens on right now and that this process has not handed out before. The system
    /// may offer a port again as soon as the listener that found it closes, so two calls in a row (a silo port and a
    /// gateway port, a database and a silo) could otherwise get the same one.</summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
