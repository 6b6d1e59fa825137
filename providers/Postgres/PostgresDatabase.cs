using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Providers.Postgres;

/// <summary>One PostgreSQL database reached through an <see cref="NpgsqlDataSource"/> (a connection pool): the
/// group-commit <see cref="PostgresWriter"/> for grain states, and pooled connections for reads and for the reminder
/// and queue changes, each a transaction of its own.</summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(5);

    private readonly PostgresStorageOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly NpgsqlDataSource _dataSource;
    private PostgresWriter? _writer;
    private bool _disposed;

    public PostgresDatabase(PostgresStorageOptions options, TimeProvider clock, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.StartupTimeout, TimeSpan.Zero);
        var connection = PostgresConnectionString.Parse(options.ConnectionString, nameof(options.ConnectionString));
        Server = PostgresConnectionString.Describe(connection);
        if (connection.MaxAutoPrepare == 0)
        {
            // The stores send the same few statements over and over: let Npgsql prepare them on each connection.
            connection.MaxAutoPrepare = 64;
        }

        _options = options;
        _clock = clock;
        _logger = logger;
        _dataSource = new NpgsqlDataSourceBuilder(connection.ConnectionString).Build();
    }

    /// <summary>The server as <c>host:port/database as user</c> (no password), for messages.</summary>
    public string Server { get; }

    public TimeProvider Clock => _clock;

    public CommitStatistics Commits => _writer?.Commits ?? default;

    /// <summary>Connects (retrying a server that does not answer yet, up to the startup timeout), migrates the schema
    /// and starts the writer.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_writer is not null)
        {
            throw new InvalidOperationException($"The PostgreSQL storage {Server} is already open.");
        }

        var started = _clock.GetTimestamp();
        var delay = FirstRetryDelay;
        while (true)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                var version = await PostgresSchema.MigrateAsync(connection, _clock, _logger, cancellationToken).ConfigureAwait(false);
                _writer = new PostgresWriter(_dataSource, _options.GroupCommit ? _options.MaxBatchSize : 1, _logger);
                PostgresStorageLog.Opened(_logger, Server, version);
                return;
            }
            catch (Exception e) when (IsUnreachable(e) && !cancellationToken.IsCancellationRequested)
            {
                var remaining = _options.StartupTimeout - _clock.GetElapsedTime(started);
                if (remaining <= TimeSpan.Zero)
                {
                    throw new PostgresUnavailableException(
                        $"PostgreSQL {Server} did not answer within {_options.StartupTimeout.TotalSeconds:0.#} s (the startup timeout): {e.Message}", e);
                }

                PostgresStorageLog.Unreachable(_logger, Server, e.Message, remaining);
                await Task.Delay(delay < remaining ? delay : remaining, _clock, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestRetryDelay.Ticks));
            }
            catch (PostgresException e) when (e.SqlState.StartsWith("28", StringComparison.Ordinal) || e.SqlState == PostgresErrorCodes.InvalidCatalogName)
            {
                throw new PostgresUnavailableException($"PostgreSQL {Server} refused the connection: {e.MessageText}", e);
            }
        }
    }

    /// <summary>Queues a state write on the group-commit writer; completes once it is committed.</summary>
    public Task<long?> WriteAsync(string orderKey, Func<NpgsqlBatchCommand> createCommand, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Writer.EnqueueAsync(new PostgresWrite(orderKey, createCommand, cancellationToken));
    }

    /// <summary>Completes once every write queued before it is committed.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken) =>
        await WriteAsync("", static () => new NpgsqlBatchCommand("SELECT 1"), cancellationToken).ConfigureAwait(false);

    /// <summary>A command on a pooled connection of its own (opened and closed with each execution).</summary>
    public NpgsqlCommand Command(string sql)
    {
        EnsureOpen();
        return _dataSource.CreateCommand(sql);
    }

    /// <summary>Runs statements as one batch in one transaction on a pooled connection and reads their results with
    /// <paramref name="read"/> before the commit.</summary>
    public async Task<T> RunBatchAsync<T>(
        IReadOnlyList<NpgsqlBatchCommand> statements,
        Func<NpgsqlDataReader, CancellationToken, Task<T>> read,
        CancellationToken cancellationToken,
        System.Data.IsolationLevel isolation = System.Data.IsolationLevel.ReadCommitted)
    {
        EnsureOpen();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(isolation, cancellationToken).ConfigureAwait(false);
        T result;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            foreach (var statement in statements)
            {
                batch.BatchCommands.Add(statement);
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            result = await read(reader, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Commits what is queued and closes every connection.</summary>
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

        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private PostgresWriter Writer
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
            throw new InvalidOperationException($"The PostgreSQL storage {Server} is not open: call InitializeAsync first.");
        }
    }

    /// <summary>Failures worth waiting out at start: no server listening yet, a network that is not up, a server that is
    /// starting or has no free connection.</summary>
    private static bool IsUnreachable(Exception e) => e switch
    {
        PostgresException postgres => postgres.SqlState is PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections
            or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException,
        SocketException or TimeoutException => true,
        _ => false,
    };
}
