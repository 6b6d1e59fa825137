using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Providers.Hosting;
using Orchestrator.Providers.Memory;
using Orchestrator.Providers.Postgres;
using Orchestrator.Providers.Sqlite;
using Orchestrator.Providers.Storage;
using Orchestrator.Serialization;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace Orchestrator.Testing;

/// <summary>One silo (or a few) of Orleans' <see cref="InProcessTestCluster"/> on our providers, with a cluster client for calls
/// (so every argument crosses Orleans' serializer): start it, call grains, stop it, and start it again on the same
/// storage (the same SQLite file, reopened, the same memory store, or the same PostgreSQL database) to test what
/// survives a restart.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    /// <summary>Set (to anything) to have the test silos print their warnings and errors to the console.</summary>
    public const string LogVariable = "TESTSILO_LOG";

    private readonly InProcessTestCluster _cluster;
    private readonly TestSiloOptions _options;
    private readonly IStorageBackend? _sharedBackend;
    private bool _stopped;

    private TestSilo(InProcessTestCluster cluster, TestSiloOptions options, IStorageBackend? sharedBackend)
    {
        _cluster = cluster;
        _options = options;
        _sharedBackend = sharedBackend;
    }

    /// <summary>Grain references, through the cluster client.</summary>
    public IGrainFactory GrainFactory => _cluster.Client;

    /// <summary>The (first) silo's services.</summary>
    public IServiceProvider Services => _cluster.GetSiloServiceProvider();

    /// <summary>Every silo's services.</summary>
    public IReadOnlyList<IServiceProvider> SiloServices => [.. _cluster.Silos.Select(silo => silo.ServiceProvider)];

    /// <summary>The silo's life-cycle status.</summary>
    public SiloLifecycle Lifecycle => Services.GetRequiredService<SiloLifecycle>();

    /// <summary>The (first) silo's storage backend.</summary>
    public IStorageBackend Storage => _sharedBackend ?? Services.GetRequiredService<IStorageBackend>();

    /// <summary>The cluster, for what the silo alone does not offer (deactivating a grain, say).</summary>
    public InProcessTestCluster Cluster => _cluster;

    /// <summary>Builds and starts a silo.</summary>
    public static Task<TestSilo> StartAsync(TestSiloOptions options) => StartAsync(options, memory: null);

    /// <summary>Stops the silo gracefully: running turns finish, state is flushed, a SQLite file or the PostgreSQL
    /// connections are closed.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
        if (_sharedBackend is not null and not MemoryStorageBackend)
        {
            await _sharedBackend.DisposeAsync();
        }
    }

    /// <summary>Stops this silo and starts a new one on the same storage and options.</summary>
    public async Task<TestSilo> RestartAsync()
    {
        await StopAsync();
        return await StartAsync(_options, _sharedBackend as MemoryStorageBackend);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAsync();

    private static async Task<TestSilo> StartAsync(TestSiloOptions options, MemoryStorageBackend? memory)
    {
        ArgumentNullException.ThrowIfNull(options);
        IStorageBackend? backend = options.Postgres is not null ? null
            : options.SqlitePath is { } path
                ? new SqliteStorageBackend(new SqliteStorageOptions(path), TimeProvider.System, NullLogger<SqliteStorageBackend>.Instance)
                : memory ?? new MemoryStorageBackend();
        if (backend is not null)
        {
            await backend.InitializeAsync(CancellationToken.None);
        }

        var builder = new InProcessTestClusterBuilder((short)options.Silos);
        if (options.Postgres is not null)
        {
            UseOwnMembership(builder);
        }

        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddLogging(logging =>
            {
                logging.SetMinimumLevel(LogLevel.Warning);
                if (Environment.GetEnvironmentVariable(LogVariable) is not null)
                {
                    logging.AddConsole();
                }
            });
            if (options.Clock is not null)
            {
                // Only the orchestrator's clock: Orleans' runtime keeps the system clock.
                silo.Services.AddKeyedSingleton(OrchestratorClock.Key, options.Clock);
            }

            silo.Services.AddSerializer(serializer => serializer.AddOrchestratorContracts());
            if (options.Postgres is { } connectionString)
            {
                // Each silo opens (and, the first time, migrates) the database before its membership starts.
                silo.AddOrchestratorStorage(services => new PostgresStorageBackend(
                    new PostgresStorageOptions(connectionString), TimeProvider.System, services.GetRequiredService<ILogger<PostgresStorageBackend>>()));
                silo.UsePostgresClustering(connectionString);
            }
            else
            {
                silo.AddOrchestratorStorage(backend!);
            }

            silo.AddOrchestratorStreams(options.Streams);
            silo.AddGrainStatistics();
            options.Services?.Invoke(silo.Services);
            options.Silo?.Invoke(silo);
        });
        builder.ConfigureClient(client =>
        {
            client.Services.AddSerializer(serializer => serializer.AddOrchestratorContracts());
            if (options.Postgres is { } connectionString)
            {
                client.UsePostgresClustering(connectionString);
            }

            options.Client?.Invoke(client);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new TestSilo(cluster, options, backend);
    }

    /// <summary>Leaves membership (and with it the gateway list and the grain directory, which trusts the membership) to
    /// the silos' own configuration: the test cluster otherwise puts its in-memory table under every silo and the client.
    /// The switch is internal to Orleans' testing host, hence reflection; it fails loudly if Orleans renames it.</summary>
    private static void UseOwnMembership(InProcessTestClusterBuilder builder)
    {
        const string Switch = "UseTestClusterMembership";
        var property = typeof(InProcessTestClusterOptions).GetProperty(Switch, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            ?? throw new InvalidOperationException($"{nameof(InProcessTestClusterOptions)}.{Switch} is gone; TestSilo cannot use PostgreSQL membership.");
        property.SetValue(builder.Options, false);
    }
}
