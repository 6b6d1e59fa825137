using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Api.Security;

namespace Orchestrator.Silo.Security;

/// <summary>The silo's authentication settings, checked before it starts: beyond loopback, authentication is always on,
/// so the silo refuses to start without a key (and refuses <c>--auth none</c>).</summary>
internal static class SecurityStartup
{
    /// <summary>The security options for the API, and every reason the silo must not start.</summary>
    public static async Task<(SecurityOptions Options, IReadOnlyList<string> Problems)> CheckAsync(
        SiloHostOptions options, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var fileKeys = options.ApiKeysFile is { Length: > 0 } path ? ApiKeyFile.Read(path, problems) : [];
        var beyond = ListenAddresses.BeyondLoopback(configuration);
        var security = new SecurityOptions();
        Fill(security, options, beyond.Count > 0, fileKeys);
        if (beyond.Count == 0 || problems.Count > 0)
        {
            return (security, problems);
        }

        var where = string.Join(", ", beyond);
        if (security.Disabled)
        {
            problems.Add($"--auth none is refused: the silo listens beyond loopback ({where}), where every request needs an API key.");
            return (security, problems);
        }

        if (fileKeys.Count == 0 && await StoredKeyCountAsync(options, cancellationToken) == 0)
        {
            problems.Add(
                $"The silo listens beyond loopback ({where}) and no API key exists, so nobody could use it. Create an admin key first " +
                "with the same storage options: dotnet run --project silo -- keys create --role admin " +
                "(with --data-dir, or --storage postgres --postgres …), or give --api-keys-file with lines '<role> <key>'.");
        }

        return (security, problems);
    }

    /// <summary>Sets <paramref name="target"/> from the silo's options; the silo registers what it checked with this
    /// too, so the two cannot differ.</summary>
    public static void Fill(SecurityOptions target, SiloHostOptions options, bool beyondLoopback, IReadOnlyList<(ApiRole Role, string Key)> fileKeys)
    {
        target.Disabled = options.Auth == "none";
        target.ListensBeyondLoopback = beyondLoopback;
        target.FileKeys = fileKeys;
        target.PublicMetrics = options.PublicMetrics;
        target.RateLimit = options.RateLimit;
        target.AllowedOrigins = options.AllowedOriginList;
    }

    private static async Task<int> StoredKeyCountAsync(SiloHostOptions options, CancellationToken cancellationToken)
    {
        if (options.Uses(SiloHostOptions.MemoryStorageName))
        {
            return 0;
        }

        await using var backend = SiloHostBuilderExtensions.CreateBackend(options, TimeProvider.System, NullLoggerFactory.Instance);
        await backend.InitializeAsync(cancellationToken);
        return (await new ApiKeyStore(backend.Grains, TimeProvider.System).ReadAsync()).Count;
    }
}
