namespace Orchestrator.Providers.Postgres;

/// <summary>Settings of the PostgreSQL storage backend.</summary>
/// <param name="ConnectionString">An Npgsql connection string (<c>Host=…;Port=…;Database=…;Username=…;Password=…</c>).</param>
public sealed record PostgresStorageOptions(string ConnectionString)
{
    /// <summary>The most grain-state writes committed together in one transaction.</summary>
    public int MaxBatchSize { get; init; } = 512;

    /// <summary>Commit grain-state writes that arrive together in one transaction (one WAL flush for all of them);
    /// false commits every write in its own transaction.</summary>
    public bool GroupCommit { get; init; } = true;

    /// <summary>How long <c>InitializeAsync</c> keeps trying a server that does not answer (not started yet, say)
    /// before it gives up.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The server as <c>host:port/database as user</c> (never the password), for messages.</summary>
    public string Server => PostgresConnectionString.Describe(ConnectionString);

    /// <summary>What is wrong with <see cref="ConnectionString"/>, naming the setting at fault but never quoting a value;
    /// null when Npgsql can read it.</summary>
    public string? FindConnectionStringProblem() =>
        PostgresConnectionString.TryParse(ConnectionString, out _, out var problem) ? null : problem;

    /// <summary>The connection string with the password left out (<c>host:port/database as user</c>), for messages.</summary>
    public override string ToString() => $"PostgresStorageOptions {{ {PostgresConnectionString.Describe(ConnectionString)} }}";
}
