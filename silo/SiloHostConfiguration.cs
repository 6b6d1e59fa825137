using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace Orchestrator.Silo;

/// <summary>Where <see cref="SiloHostOptions"/> come from, on top of the web host's defaults.</summary>
internal static class SiloHostConfiguration
{
    public const string EnvironmentPrefix = "ORCHESTRATOR_";

    private static readonly Dictionary<string, string> SwitchMappings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["--data-dir"] = nameof(SiloHostOptions.DataDir),
        ["--plugins"] = nameof(SiloHostOptions.Plugins),
        ["--silo-name"] = nameof(SiloHostOptions.SiloName),
        ["--shutdown-timeout"] = nameof(SiloHostOptions.ShutdownTimeout),
        ["--queue-capacity"] = nameof(SiloHostOptions.QueueCapacity),
        ["--silo-port"] = nameof(SiloHostOptions.SiloPort),
        ["--gateway-port"] = nameof(SiloHostOptions.GatewayPort),
        ["--cluster-id"] = nameof(SiloHostOptions.ClusterId),
        ["--service-id"] = nameof(SiloHostOptions.ServiceId),
    };

    // Request-by-request logs of ASP.NET Core stay out of the console unless a configuration source asks for them.
    private static readonly Dictionary<string, string?> Defaults = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Orleans"] = "Warning",
        ["Logging:LogLevel:Polly"] = "Warning",
    };

    /// <summary>Puts the silo's defaults under every other source, then adds <c>ORCHESTRATOR_*</c> environment
    /// variables and the command line again with its dashed switches mapped, so that the command line still wins over
    /// every environment variable.</summary>
    public static IConfigurationBuilder AddSiloHostSources(this IConfigurationBuilder configuration, string[] args)
    {
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });
        return configuration
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddCommandLine(args, SwitchMappings);
    }

    /// <summary>Binds the silo's settings.</summary>
    public static SiloHostOptions GetSiloHostOptions(this IConfiguration configuration)
    {
        var options = new SiloHostOptions();
        configuration.Bind(options);
        return options;
    }

    /// <summary>Whether the web server's addresses are configured anywhere (<c>--urls</c>, <c>ASPNETCORE_URLS</c>,
    /// <c>HTTP_PORTS</c>, Kestrel endpoints).</summary>
    public static bool HasServerAddresses(this IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration["urls"]) ||
        !string.IsNullOrEmpty(configuration["http_ports"]) ||
        !string.IsNullOrEmpty(configuration["https_ports"]) ||
        configuration.GetSection("Kestrel:Endpoints").Exists();
}
