using System.Collections.Concurrent;
using System.Collections.Frozen;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Api.Security;

/// <summary>Who a request's key says it is.</summary>
public sealed record ApiKeyIdentity(string Id, string Name, ApiRole Role);

/// <summary>The keys this silo accepts: those of the key file, and the stored ones, read again every
/// <see cref="SecurityOptions.RefreshEvery"/> so that a key revoked on any silo stops working here within that time.
/// Also says whether authentication is on: always beyond loopback, and on loopback as soon as one key exists.</summary>
public sealed partial class ApiKeyRing(IServiceProvider services, IOptions<SecurityOptions> options, TimeProvider clock, ILogger<ApiKeyRing> logger)
    : BackgroundService
{
    private static readonly TimeSpan TouchEvery = TimeSpan.FromSeconds(30);

    private readonly SecurityOptions _options = options.Value;
    private readonly (ApiKeyIdentity Identity, string Salt, string Hash)[] _fileKeys = [.. options.Value.FileKeys.Select((k, i) =>
    {
        var (salt, hash) = ApiKeySecret.HashOf(k.Key);
        return (new ApiKeyIdentity($"file-{i + 1}", $"key file, key {i + 1}", k.Role), salt, hash);
    })];

    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);
    private FrozenDictionary<string, StoredApiKey> _stored = FrozenDictionary<string, StoredApiKey>.Empty;
    private bool _loaded;
    private ApiKeyStore? _store;

    /// <summary>True when requests need a key.</summary>
    public bool Required => !_options.Disabled && (_options.ListensBeyondLoopback || _fileKeys.Length > 0 || !_loaded || _stored.Count > 0);

    /// <summary>The keys' store (the silo's grain storage).</summary>
    public ApiKeyStore Store => _store ??= new ApiKeyStore(services.GetRequiredService<IStorageBackend>().Grains, clock);

    /// <summary>The identity of a presented key; null when no key matches.</summary>
    public ApiKeyIdentity? Authenticate(string presented)
    {
        if (ApiKeySecret.TryRead(presented, out var id, out var secret)
            && _stored.TryGetValue(id, out var stored)
            && ApiKeySecret.Matches(secret, stored.Salt, stored.Hash)
            && ApiRoles.TryParse(stored.Role, out var role))
        {
            _used[id] = clock.GetUtcNow();
            return new ApiKeyIdentity(stored.Id, stored.Name, role);
        }

        foreach (var (identity, salt, hash) in _fileKeys)
        {
            if (ApiKeySecret.Matches(presented, salt, hash))
            {
                return identity;
            }
        }

        return null;
    }

    /// <summary>Reads the stored keys now (after this silo created or revoked one).</summary>
    public async Task RefreshAsync()
    {
        var keys = await Store.ReadAsync();
        _stored = keys.ToFrozenDictionary(k => k.Id, StringComparer.Ordinal);
        _loaded = true;
    }

    /// <summary>Loads the stored keys before the server takes requests.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Until the keys can be read, every request needs a key (file keys still work).
            LogRefreshFailed(logger, e);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var touched = clock.GetUtcNow();
        using var timer = new PeriodicTimer(_options.RefreshEvery, clock);
        while (await NextAsync(timer, stoppingToken))
        {
            try
            {
                await RefreshAsync();
                if (clock.GetUtcNow() - touched >= TouchEvery && !_used.IsEmpty)
                {
                    touched = clock.GetUtcNow();
                    var used = _used.ToDictionary(StringComparer.Ordinal);
                    _used.Clear();
                    await Store.TouchAsync(used);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRefreshFailed(logger, e);
            }
        }
    }

    private static async Task<bool> NextAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored API keys could not be read; the last keys read stay in force")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
