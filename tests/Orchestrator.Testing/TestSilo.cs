using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Providers.Hosting;
using Orchestrator.Providers.Memory;
using Orchestrator.Providers.Sqlite;
using Orchestrator.Providers.Storage;
using Orchestrator.Serialization;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace Orchestrator.Testing;

/// <summary>One silo (or a few) of Orleans' <see cref="InProcessTestCluster"/> on our providers, with a cluster client for calls
/// (so every argument crosses Orleans' serializer): start it, call grains, stop it, and start it again on the same
/// storage (the same SQLite file, reopened, or the same memory store) to test what survives a restart.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    /// <summary>Set (to anything) to have the test silos print their warnings and errors to the console.</summary>
    public const string LogVariable = "TESTSILO_LOG";

    private readonly InProcessTestCluster _cluster;
    private readonly TestSiloOptions _options;
    private readonly IStorageBackend _backend;
    private bool _stopped;

    private TestSilo(InProcessTestCluster cluster, TestSiloOptions options, IStorageBackend backend)
    {
        _cluster = cluster;
        _options = options;
        _backend = backend;
    }

    /// <summary>Grain references, through the cluster client.</summary>
    public IGrainFactory GrainFactory => _cluster.Client;

    /// <summary>The (first) silo's services.</summary>
    public IServiceProvider Services => _cluster.GetSiloServiceProvider();

    /// <summary>Every silo's services.</summary>
    public IReadOnlyList<IServiceProvider> SiloServices => [.. _cluster.Silos.Select(silo => silo.ServiceProvider)];

    /// <summary>The silo's life-cycle status.</summary>
    public SiloLifecycle Lifecycle => Services.GetRequiredService<SiloLifecycle>();

    /// <summary>The silo's storage backend.</summary>
    public IStorageBackend Storage => _backend;

    /// <summary>The cluster, for what the silo alone does not offer (deactivating a grain, say).</summary>
    public InProcessTestCluster Cluster => _cluster;

    /// <summary>Builds and starts a silo.</summary>
    public static Task<TestSilo> StartAsync(TestSiloOptions options) => StartAsync(options, memory: null);

    /// <summary>Stops the silo gracefully: running turns finish, state is flushed, a SQLite file is closed.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
        if (_backend is not MemoryStorageBackend)
        {
            await _backend.DisposeAsync();
        }
    }

    /// <summary>Stops this silo and starts a new one on the same storage and options.</summary>
    public async Task<TestSilo> RestartAsync()
    {
        await StopAsync();
        return await StartAsync(_options, _backend as MemoryStorageBackend);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAsync();

    private static async Task<TestSilo> StartAsync(TestSiloOptions options, MemoryStorageBackend? memory)
    {
        ArgumentNullException.ThrowIfNull(options);
        IStorageBackend backend = options.SqlitePath is { } path
            ? new SqliteStorageBackend(new SqliteStorageOptions(path), TimeProvider.System, NullLogger<SqliteStorageBackend>.Instance)
            : memory ?? new MemoryStorageBackend();
        await backend.InitializeAsync(CancellationToken.None);

        var builder = new InProcessTestClusterBuilder((short)options.Silos);
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
            silo.AddOrchestratorStorage(backend);
            silo.AddOrchestratorStreams(options.Streams);
            silo.AddGrainStatistics();
            options.Services?.Invoke(silo.Services);
        });
        builder.ConfigureClient(client => client.Services.AddSerializer(serializer => serializer.AddOrchestratorContracts()));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new TestSilo(cluster, options, backend);
    }
}
