using Orchestrator.Testing.Postgres;

namespace Orchestrator.Cluster.Tests;

/// <summary>One throwaway PostgreSQL server for every test of the <see cref="PostgresCluster"/> collection; each test
/// makes a database of its own on it. When the server cannot start, every test of the collection fails with the reason
/// (they never skip).</summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL server is not started.");

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>Tests of silos sharing one PostgreSQL database. They run one after another: the multi-silo ones load the
/// machine enough that running them side by side would only make each slower.</summary>
[CollectionDefinition(nameof(PostgresCluster))]
public sealed class PostgresCluster : ICollectionFixture<PostgresClusterFixture>;
