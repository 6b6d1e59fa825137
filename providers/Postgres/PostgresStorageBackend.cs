using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Providers.Queues;
using Orchestrator.Providers.Storage;
using Orleans.Storage;

namespace Orchestrator.Providers.Postgres;

/// <summary>The cluster backend: one PostgreSQL database shared by every silo, holding grain states with their
/// journals and views, reminders and durable queues. ETags are checked by the database, so silos cannot overwrite each
/// other; grain-state writes that arrive together share one transaction (group commit); the schema is created or
/// migrated on start under an advisory lock.</summary>
public sealed class PostgresStorageBackend : IStorageBackend, ICommitCounting
{
    private readonly PostgresDatabase _database;
    private readonly JsonGrainStorage _grains;

    /// <summary>Prepares the backend; nothing is opened before <see cref="InitializeAsync"/>. Throws
    /// <see cref="ArgumentException"/> naming the problem (never the password) when the connection string is malformed.</summary>
    public PostgresStorageBackend(PostgresStorageOptions options, TimeProvider clock, ILogger<PostgresStorageBackend> logger, JsonSerializerOptions? json = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logger);
        _database = new PostgresDatabase(options, clock, logger);
        _grains = new JsonGrainStorage(new PostgresStateStore(_database), json ?? StorageJson.CreateOptions());
        Reminders = new PostgresReminderTable(_database);
        Queues = new PostgresQueueStore(_database);
        Audit = new PostgresAuditStore(_database);
    }

    /// <summary>Connects with <paramref name="connectionString"/> and the default options.</summary>
    public PostgresStorageBackend(string connectionString, TimeProvider? clock = null)
        : this(new PostgresStorageOptions(connectionString), clock ?? TimeProvider.System, NullLogger<PostgresStorageBackend>.Instance)
    {
    }

    /// <inheritdoc/>
    public string Name => "postgres";

    /// <summary>The server as <c>host:port/database as user</c> (never the password).</summary>
    public string Server => _database.Server;

    /// <inheritdoc/>
    public IGrainStorage Grains => _grains;

    /// <inheritdoc/>
    public IGrainStateQueries Queries => _grains;

    /// <inheritdoc/>
    public IReminderTable Reminders { get; }

    /// <inheritdoc/>
    public IQueueStore Queues { get; }

    /// <inheritdoc/>
    public IAuditStore Audit { get; }

    /// <inheritdoc/>
    public CommitStatistics Commits => _database.Commits;

    /// <inheritdoc/>
    /// <exception cref="PostgresUnavailableException">The server did not answer within the startup timeout, or refused
    /// the connection (authentication, unknown database).</exception>
    public Task InitializeAsync(CancellationToken cancellationToken) => _database.OpenAsync(cancellationToken);

    /// <inheritdoc/>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var command = _database.Command("SELECT count(*) FROM schema_version");
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task FlushAsync(CancellationToken cancellationToken) => _database.FlushAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
