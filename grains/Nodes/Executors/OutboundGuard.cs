using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Orchestrator.Nodes.Executors;

/// <summary>The connections of outbound calls (<c>http</c>, <c>agent</c> and <c>job</c> nodes): on a silo reachable beyond loopback
/// (<see cref="NodeExecutorOptions.Restricted"/>), an address that is loopback, link-local (cloud metadata
/// 169.254.169.254 among them), private, shared or unspecified is refused unless <see cref="NodeExecutorOptions.HttpAllow"/>
/// names its host or a range holding it. Checked on the resolved addresses of every connection, so a redirect to an
/// internal address, or a name that resolves to one, is refused too.</summary>
internal static class OutboundGuard
{
    public static SocketsHttpHandler CreateHandler(IOptions<NodeExecutorOptions> options) => new()
    {
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, options.Value, cancellationToken),
        // Names are resolved again at least this often, so an address a name points to later is checked too.
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
    };

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, NodeExecutorOptions options, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);
        var allowed = addresses.Where(address => Allowed(endpoint.Host, address, options)).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException(
                $"'{endpoint.Host}' ({string.Join(", ", addresses.Select(a => a.ToString()))}) is an internal address (loopback, link-local, private or metadata) " +
                "and --http-allow does not name it; the silo listens beyond loopback, so outbound calls may not reach it.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>True when a call may connect to <paramref name="address"/>, the address of <paramref name="host"/>.</summary>
    public static bool Allowed(string host, IPAddress address, NodeExecutorOptions options)
    {
        if (!options.Restricted || !IsInternal(address))
        {
            return true;
        }

        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return options.HttpAllow.Any(entry =>
            string.Equals(entry, host, StringComparison.OrdinalIgnoreCase)
            || (IPNetwork.TryParse(entry, out var range) && range.Contains(plain))
            || (IPAddress.TryParse(entry, out var single) && single.Equals(plain)));
    }

    /// <summary>Loopback, unspecified, link-local, private (RFC 1918, unique local), shared (100.64/10), multicast and
    /// reserved addresses.</summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast)
        {
            return true;
        }

        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }

        var b = address.GetAddressBytes();
        return b[0] is 0 or 10 or >= 224
            || (b[0] == 172 && b[1] is >= 16 and <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] is >= 64 and <= 127);
    }
}
