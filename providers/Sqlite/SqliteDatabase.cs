using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Providers.Sqlite;

/// <summary>One SQLite database file in WAL mode: a dedicated writer connection behind the group-commit
/// <see cref="SqliteWriter"/>, and read connections of its own pool (WAL lets them run beside the writer and see every
/// committed write), each keeping its statements prepared.</summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    /// <summary>Read connections kept open between reads; more are opened while more reads run at once, and closed after.</summary>
    private const int IdleReaders = 8;

    private readonly ConcurrentStack<SqliteReadScope> _readers = new();
    private readonly SqliteStorageOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly string _path;
    private readonly string _readConnectionString;
    private readonly string _writeConnectionString;
    private SqliteWriter? _writer;
    private volatile bool _disposed;

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
            Pooling = false,
        }.ToString();
        _writeConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();
    }

    public TimeProvider Clock => _clock;

    public CommitStatistics Commits => _writer?.Commits ?? default;

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

    /// <summary>Runs a read on a read connection of its own.</summary>
    public Task<T> ReadAsync<T>(Func<SqliteReadScope, T> read, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        SqliteReadScope? scope = null;
        try
        {
            EnsureOpen();
            scope = TakeReader();
            var result = read(scope);
            GiveBack(scope);
            return Task.FromResult(result);
        }
        catch (Exception exception)
        {
            // A connection that failed a read is not trusted with the next one.
            scope?.Dispose();

            // Reported through the task, as an async method would.
            return Task.FromException<T>(exception);
        }
    }

    /// <summary>Checks the file on a new connection (the pool's stay open on a file even after it is deleted); on a
    /// failure the idle read connections are closed too, so that later reads find what the check found.</summary>
    public Task PingAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        try
        {
            EnsureOpen();
            using var connection = OpenReadConnection();
            using var command = connection.Command("SELECT COUNT(*) FROM schema_version");
            command.ExecuteScalar();
            return Task.CompletedTask;
        }
        catch (Exception exception)
        {
            CloseIdleReaders();
            return Task.FromException(exception);
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

        CloseIdleReaders();
    }

    private SqliteReadScope TakeReader() =>
        _readers.TryPop(out var idle) ? idle : new SqliteReadScope(OpenReadConnection());

    private SqliteConnection OpenReadConnection()
    {
        var connection = new SqliteConnection(_readConnectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void GiveBack(SqliteReadScope scope)
    {
        if (_readers.Count >= IdleReaders)
        {
            scope.Dispose();
            return;
        }

        _readers.Push(scope);
        if (_disposed)
        {
            // Closed meanwhile: this connection must not outlive the database.
            CloseIdleReaders();
        }
    }

    private void CloseIdleReaders()
    {
        while (_readers.TryPop(out var scope))
        {
            scope.Dispose();
        }
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
