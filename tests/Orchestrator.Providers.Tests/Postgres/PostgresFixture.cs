using Orchestrator.Testing.Postgres;

namespace Orchestrator.Providers.Tests.Postgres;

/// <summary>One throwaway PostgreSQL server for every test of the <see cref="PostgresTests"/> collection; each test
/// makes a database of its own on it. When the server cannot start, every test of the collection fails with the
/// reason (they never skip).</summary>
public sealed class PostgresFixture : IAsyncLifetime
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

[CollectionDefinition(nameof(PostgresTests))]
public sealed class PostgresTests : ICollectionFixture<PostgresFixture>;
