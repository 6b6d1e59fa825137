using Orchestrator.Providers.Hosting;
using Orchestrator.Providers.Sqlite;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Orchestrator.Providers.Tests.Cluster;

/// <summary>Two in-process silos over one SQLite file: SQLite is a one-writer store, so both silos share one backend
/// instance (one writer) rather than opening the file twice.</summary>
public sealed class ProviderClusterFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orchestrator-tests", Guid.NewGuid().ToString("N"));

    public SqliteStorageBackend Backend { get; private set; } = null!;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        Backend = new SqliteStorageBackend(Path.Combine(_directory, "cluster.db"));
        await Backend.InitializeAsync(CancellationToken.None);
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddOrchestratorStorage(Backend);
            silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Backend.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

[CollectionDefinition(nameof(ProviderCluster))]
public sealed class ProviderCluster : ICollectionFixture<ProviderClusterFixture>;
