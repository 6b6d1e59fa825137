using System.Net;

namespace Orchestrator.Silo.Security;

/// <summary>Whether the web server listens beyond loopback: any address of <c>--urls</c> (or <c>ASPNETCORE_URLS</c>,
/// Kestrel endpoints) that is not <c>localhost</c>, <c>127.0.0.0/8</c> or <c>::1</c>, and any <c>HTTP_PORTS</c> (every
/// interface).</summary>
internal static class ListenAddresses
{
    public static IReadOnlyList<string> BeyondLoopback(IConfiguration configuration)
    {
        var urls = new List<string>();
        if (configuration["urls"] is { Length: > 0 } list)
        {
            urls.AddRange(list.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        urls.AddRange(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>());
        var beyond = urls.Where(url => !IsLoopback(url)).ToList();
        foreach (var ports in new[] { configuration["http_ports"], configuration["https_ports"] })
        {
            if (!string.IsNullOrEmpty(ports))
            {
                beyond.Add($"every interface, port {ports}");
            }
        }

        return beyond;
    }

    private static bool IsLoopback(string url)
    {
        var host = url.Split("://", 2) is [_, var rest] ? rest : url;
        host = host.Split('/', 2)[0];
        host = host.StartsWith('[') ? host[1..host.IndexOf(']', StringComparison.Ordinal)] : host.Split(':')[0];
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }
}
