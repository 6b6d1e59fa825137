using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Providers.Sqlite;

/// <summary>One SQLite database file in WAL mode: a dedicated writer connection behind the group-commit
/// <see cref="SqliteWriter"/>, and pooled connections for reads (WAL lets them run beside the writer and see every
/// committed write).</summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly SqliteStorageOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly string _path;
    private readonly string _readConnectionString;
    private readonly string _writeConnectionString;
    private SqliteWriter? _writer;
    private bool _disposed;

    public SqliteDatabase(SqliteStorageOptions options, TimeProvider clock, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1);
        _options = options;
        _clock = clock;
        _logger = logger;
        _path = Path.GetFullPath(options.Path);
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = true,
        }.ToString();
        _writeConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();
    }

    public TimeProvider Clock => _clock;

    public long CommittedTransactions => _writer?.CommittedTransactions ?? 0;

    /// <summary>Creates the file and its directory when missing, migrates the schema and starts the writer.</summary>
    public void Open()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_writer is not null)
        {
            throw new InvalidOperationException($"The SQLite storage {_path} is already open.");
        }

        if (Path.GetDirectoryName(_path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(_writeConnectionString);
        SqliteWriteScope? scope = null;
        try
        {
            connection.Open();

            // WAL: readers run beside the writer. synchronous=FULL: a commit is synced to disk before it returns,
            // so a write's task completes only once the write is durable.
            using (var pragmas = connection.Command("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;"))
            {
                pragmas.ExecuteNonQuery();
            }

            var version = SqliteSchema.Migrate(connection, _clock, _logger);
            scope = new SqliteWriteScope(connection);
            _writer = new SqliteWriter(scope, _options.GroupCommit ? _options.MaxBatchSize : 1, _logger);
            SqliteStorageLog.Opened(_logger, _path, version);
        }
        catch
        {
            scope?.Dispose();
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Queues a write on the single writer; completes once it is committed.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteWriteScope, T> execute, CancellationToken cancellationToken) =>
        Writer.EnqueueAsync(execute, cancellationToken);

    /// <summary>Runs a read on a pooled connection of its own.</summary>
    public Task<T> ReadAsync<T>(Func<SqliteConnection, T> read, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        try
        {
            EnsureOpen();
            using var connection = new SqliteConnection(_readConnectionString);
            connection.Open();
            return Task.FromResult(read(connection));
        }
        catch (Exception exception)
        {
            // Reported through the task, as an async method would.
            return Task.FromException<T>(exception);
        }
    }

    /// <summary>Completes once every write queued before it is committed (the writer keeps queue order).</summary>
    public Task FlushAsync(CancellationToken cancellationToken) =>
        Writer.EnqueueAsync(static _ => true, cancellationToken);

    /// <summary>Commits what is queued, closes every connection and releases the file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_writer is { } writer)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }

        using var pooled = new SqliteConnection(_readConnectionString);
        SqliteConnection.ClearPool(pooled);
    }

    private SqliteWriter Writer
    {
        get
        {
            EnsureOpen();
            return _writer!;
        }
    }

    private void EnsureOpen()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_writer is null)
        {
            throw new InvalidOperationException($"The SQLite storage {_path} is not open: call InitializeAsync first.");
        }
    }
}
