using Orchestrator.Providers.Postgres;

namespace Orchestrator.Silo.Startup;

/// <summary>Before Orleans starts: waits (up to <c>--startup-timeout</c>) for the PostgreSQL server to answer, and
/// creates or migrates the schema, membership tables included. Orleans' membership reads its queries from the database
/// as it starts and a failure there aborts the process, so the database must be ready first; problems found here stop
/// the silo with a message that names the server (host, port, database, user) but never the password.</summary>
internal static class PostgresPreflight
{
    public static async Task<IReadOnlyList<string>> CheckAsync(SiloHostOptions options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var storage = options.PostgresStorage;
        try
        {
            await using var backend = new PostgresStorageBackend(storage, TimeProvider.System, loggers.CreateLogger<PostgresStorageBackend>());
            await backend.InitializeAsync(cancellationToken);
            return [];
        }
        catch (PostgresUnavailableException e)
        {
            return [$"The PostgreSQL database of --postgres (ORCHESTRATOR_POSTGRES) cannot be used. {e.Message} " +
                "Check the server and the connection string; --startup-timeout sets how long start-up waits for the server."];
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
        {
            return [$"The PostgreSQL database {storage.Server} of --postgres (ORCHESTRATOR_POSTGRES) could not be prepared: {e.Message}"];
        }
    }
}
