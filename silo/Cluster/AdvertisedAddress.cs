using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Orchestrator.Silo.Cluster;

/// <summary>The address a silo gives other silos and grain clients when <c>--advertised-ip</c> is not set.</summary>
internal static class AdvertisedAddress
{
    /// <summary>The first IPv4 address of a network interface that is up and not loopback; 127.0.0.1 when there is
    /// none (a single machine).</summary>
    public static IPAddress Default()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .Where(nic => nic.OperationalStatus == OperationalStatus.Up && nic.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
                .Select(unicast => unicast.Address)
                .FirstOrDefault(address => address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address))
                ?? IPAddress.Loopback;
        }
        catch (NetworkInformationException)
        {
            return IPAddress.Loopback;
        }
    }
}
