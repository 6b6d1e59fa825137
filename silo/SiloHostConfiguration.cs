using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace Orchestrator.Silo;

/// <summary>Where <see cref="SiloHostOptions"/> come from, on top of the web host's defaults.</summary>
internal static class SiloHostConfiguration
{
    public const string EnvironmentPrefix = "ORCHESTRATOR_";

    /// <summary>The host's own switch that turns off reloading appsettings files when they change.</summary>
    public const string NoReloadOnChange = "--hostBuilder:reloadConfigOnChange=false";

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
        ["--postgres"] = nameof(SiloHostOptions.Postgres),
        ["--startup-timeout"] = nameof(SiloHostOptions.StartupTimeout),
        ["--advertised-ip"] = nameof(SiloHostOptions.AdvertisedIp),
        ["--api-keys-file"] = nameof(SiloHostOptions.ApiKeysFile),
        ["--public-metrics"] = nameof(SiloHostOptions.PublicMetrics),
        ["--rate-limit"] = nameof(SiloHostOptions.RateLimit),
        ["--allowed-origins"] = nameof(SiloHostOptions.AllowedOrigins),
        ["--shell-allow"] = nameof(SiloHostOptions.ShellAllow),
        ["--http-allow"] = nameof(SiloHostOptions.HttpAllow),
        ["--secrets-dir"] = nameof(SiloHostOptions.SecretsDir),
        ["--cluster-certificate"] = nameof(SiloHostOptions.ClusterCertificate),
        ["--cluster-certificate-password"] = nameof(SiloHostOptions.ClusterCertificatePassword),
        ["--agent-url"] = nameof(SiloHostOptions.AgentUrl),
        ["--otlp-endpoint"] = nameof(SiloHostOptions.OtlpEndpoint),
        ["--log-format"] = nameof(SiloHostOptions.LogFormat),
        ["--trace-loop-every"] = nameof(SiloHostOptions.TraceLoopEvery),
        ["--trace-grain-calls"] = nameof(SiloHostOptions.TraceGrainCalls),
        ["--inject-storage-faults"] = nameof(SiloHostOptions.InjectStorageFaults),
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

    /// <summary>Binds the silo's settings one by one; a value that does not parse as its setting's type is left at
    /// its default and reported in <paramref name="problems"/>, naming the option, the environment variable and what
    /// is expected.</summary>
    public static SiloHostOptions GetSiloHostOptions(this IConfiguration configuration, out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new SiloHostOptions();
        var found = new List<string>();
        foreach (var property in typeof(SiloHostOptions).GetProperties().Where(p => p.CanWrite))
        {
            if (configuration[property.Name] is not { } text)
            {
                continue;
            }

            if (TryParse(text, property.PropertyType, out var value))
            {
                property.SetValue(options, value);
            }
            else
            {
                found.Add($"The {Describe(property.Name)} must be {Expected(property.PropertyType)}, not '{text}'.");
            }
        }

        found.AddRange(EngineConfiguration.Read(configuration, options.Engine));
        problems = found;
        return options;
    }

    /// <summary>How a setting is named to the user: its switch and its environment variable.</summary>
    public static string Describe(string property)
    {
        var option = SwitchMappings.FirstOrDefault(pair => pair.Value == property).Key ?? $"--{property.ToLowerInvariant()}";
        return $"{option} ({EnvironmentPrefix}{property.ToUpperInvariant()}) setting";
    }

    private static bool TryParse(string text, Type type, out object? value)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        value = null;
        if (target == typeof(string))
        {
            value = text;
            return true;
        }

        if (target == typeof(int) && int.TryParse(text, System.Globalization.NumberStyles.Integer, culture, out var number))
        {
            value = number;
            return true;
        }

        if (target == typeof(bool) && bool.TryParse(text, out var flag))
        {
            value = flag;
            return true;
        }

        if (target == typeof(TimeSpan) && TimeSpan.TryParse(text, culture, out var duration))
        {
            value = duration;
            return true;
        }

        if (target == typeof(IPAddress) && IPAddress.TryParse(text, out var address))
        {
            value = address;
            return true;
        }

        return false;
    }

    private static string Expected(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(int) => "a whole number",
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(TimeSpan) => "a duration as hh:mm:ss (e.g. 00:00:20)",
        var t when t == typeof(IPAddress) => "an IP address (e.g. 10.0.0.5)",
        var t => $"a {t.Name}",
    };

    /// <summary>Whether the web server's addresses are configured anywhere (<c>--urls</c>, <c>ASPNETCORE_URLS</c>,
    /// <c>HTTP_PORTS</c>, Kestrel endpoints).</summary>
    public static bool HasServerAddresses(this IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration["urls"]) ||
        !string.IsNullOrEmpty(configuration["http_ports"]) ||
        !string.IsNullOrEmpty(configuration["https_ports"]) ||
        configuration.GetSection("Kestrel:Endpoints").Exists();
}
