using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Runtime.Reminders;
using Orchestrator.Runtime.Streams;

namespace Orchestrator.Runtime.Storage.Sqlite;

/// <summary>The embedded backend: one SQLite file (WAL, synchronous=FULL) holding grain states, views, reminders and
/// durable streams. All writes share one writer that commits those arriving together in one transaction.</summary>
public sealed class SqliteStorageBackend : IStorageBackend
{
    private readonly SqliteDatabase _database;

    /// <summary>Prepares the backend; nothing is opened before <see cref="InitializeAsync"/>.</summary>
    public SqliteStorageBackend(SqliteStorageOptions options, TimeProvider clock, ILogger<SqliteStorageBackend> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logger);
        _database = new SqliteDatabase(options, clock, logger);
        Grains = new SqliteGrainStorage(_database);
        Reminders = new SqliteReminderTable(_database);
        Streams = new SqliteStreamStore(_database);
    }

    /// <summary>Opens the file at <paramref name="path"/> with the default options.</summary>
    public SqliteStorageBackend(string path, TimeProvider? clock = null, ILogger<SqliteStorageBackend>? logger = null)
        : this(new SqliteStorageOptions(path), clock ?? TimeProvider.System, logger ?? NullLogger<SqliteStorageBackend>.Instance)
    {
    }

    /// <inheritdoc/>
    public string Name => "sqlite";

    /// <inheritdoc/>
    public IGrainStorage Grains { get; }

    /// <inheritdoc/>
    public IReminderTable Reminders { get; }

    /// <inheritdoc/>
    public IStreamStore Streams { get; }

    /// <summary>Transactions the writer has committed; fewer than the writes when group commit batches them.</summary>
    internal long CommittedTransactions => _database.CommittedTransactions;

    /// <inheritdoc/>
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _database.Open();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task PingAsync(CancellationToken cancellationToken) =>
        _database.ReadAsync(connection =>
        {
            using var command = connection.Command("SELECT COUNT(*) FROM schema_version");
            return command.ExecuteScalar();
        }, cancellationToken);

    /// <inheritdoc/>
    public Task FlushAsync(CancellationToken cancellationToken) => _database.FlushAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
