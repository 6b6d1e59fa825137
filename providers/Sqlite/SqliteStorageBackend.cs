using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Providers.Queues;
using Orchestrator.Providers.Storage;
using Orleans.Storage;

namespace Orchestrator.Providers.Sqlite;

/// <summary>The embedded backend: one SQLite file (WAL, synchronous=FULL) holding grain states with their journals and
/// views, reminders and durable queues. All writes share one writer that commits those arriving together in one
/// transaction (group commit).</summary>
public sealed class SqliteStorageBackend : IStorageBackend, ICommitCounting
{
    private readonly SqliteDatabase _database;
    private readonly JsonGrainStorage _grains;

    /// <summary>Prepares the backend; nothing is opened before <see cref="InitializeAsync"/>.</summary>
    public SqliteStorageBackend(SqliteStorageOptions options, TimeProvider clock, ILogger<SqliteStorageBackend> logger, JsonSerializerOptions? json = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logger);
        _database = new SqliteDatabase(options, clock, logger);
        _grains = new JsonGrainStorage(new SqliteStateStore(_database), json ?? StorageJson.CreateOptions());
        Reminders = new SqliteReminderTable(_database);
        Queues = new SqliteQueueStore(_database);
        Audit = new SqliteAuditStore(_database);
    }

    /// <summary>Opens the file at <paramref name="path"/> with the default options.</summary>
    public SqliteStorageBackend(string path, TimeProvider? clock = null)
        : this(new SqliteStorageOptions(path), clock ?? TimeProvider.System, NullLogger<SqliteStorageBackend>.Instance)
    {
    }

    /// <inheritdoc/>
    public string Name => "sqlite";

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
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _database.Open();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task PingAsync(CancellationToken cancellationToken) => _database.PingAsync(cancellationToken);

    /// <inheritdoc/>
    public Task FlushAsync(CancellationToken cancellationToken) => _database.FlushAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
