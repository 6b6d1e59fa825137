using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Providers.Postgres;

/// <summary>Group commit for grain-state writes. Writes queue on a channel; one loop takes everything queued (up to the
/// batch size), sends it as one batch of statements in one transaction, commits (one WAL flush), then answers every
/// caller. While it commits, the next writes queue up, so the batch grows with the load.</summary>
/// <remarks>Each statement checks its own ETag in the database (<c>UPDATE … WHERE etag = @expected</c>, <c>INSERT …
/// ON CONFLICT DO NOTHING</c>) and reports a mismatch as "no row", so a stale write changes nothing and never spoils
/// its batch. An unexpected error aborts the transaction: the batch is rolled back and each of its writes is retried
/// in a transaction of its own, so only the write at fault fails.</remarks>
internal sealed class PostgresWriter : IAsyncDisposable
{
    private readonly Channel<PostgresWrite> _queue =
        Channel.CreateUnbounded<PostgresWrite>(new UnboundedChannelOptions { SingleReader = true });

    private readonly NpgsqlDataSource _dataSource;
    private readonly int _maxBatchSize;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private readonly CommitCounter _commits = new();

    public PostgresWriter(NpgsqlDataSource dataSource, int maxBatchSize, ILogger logger)
    {
        _dataSource = dataSource;
        _maxBatchSize = maxBatchSize;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Transactions committed so far.</summary>
    public CommitStatistics Commits => _commits.Read();

    /// <summary>Queues a write; the task completes once it is committed (durable) or has failed.</summary>
    public Task<long?> EnqueueAsync(PostgresWrite write)
    {
        if (!_queue.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(PostgresStorageBackend), "The PostgreSQL storage is closed.");
        }

        return write.Task;
    }

    /// <summary>Stops taking writes, commits those still queued, then ends the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PostgresWrite>(_maxBatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _maxBatchSize && reader.TryRead(out var write))
            {
                if (write.TryStart())
                {
                    batch.Add(write);
                }
            }

            if (batch.Count > 0)
            {
                await CommitBatchAsync([.. batch.OrderBy(write => write.OrderKey, StringComparer.Ordinal)]).ConfigureAwait(false);
                batch.Clear();
            }
        }
    }

    private async Task CommitBatchAsync(List<PostgresWrite> batch)
    {
        var failure = await TryCommitAsync(batch).ConfigureAwait(false);
        if (failure is null)
        {
            return;
        }

        if (batch.Count == 1)
        {
            PostgresStorageLog.WriteFailed(_logger, failure);
            batch[0].Fail(failure);
            return;
        }

        PostgresStorageLog.BatchFailed(_logger, batch.Count, failure);
        foreach (var write in batch)
        {
            if (await TryCommitAsync([write]).ConfigureAwait(false) is { } writeFailure)
            {
                PostgresStorageLog.WriteFailed(_logger, writeFailure);
                write.Fail(writeFailure);
            }
        }
    }

    /// <summary>Runs the writes in one transaction and answers them after the commit; returns the error instead when
    /// the transaction could not commit (it is rolled back and no write is answered).</summary>
    private async Task<Exception?> TryCommitAsync(List<PostgresWrite> writes)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            await using (var batch = new NpgsqlBatch(connection, transaction))
            {
                foreach (var write in writes)
                {
                    batch.BatchCommands.Add(write.CreateCommand());
                }

                await using var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false);
                for (var i = 0; i < writes.Count; i++)
                {
                    if (i > 0 && !await reader.NextResultAsync().ConfigureAwait(false))
                    {
                        throw new InvalidOperationException($"A batch of {writes.Count} storage writes returned {i} results.");
                    }

                    await writes[i].ReadResultAsync(reader, CancellationToken.None).ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Any failure must reach the waiting callers instead of ending the loop; disposing the transaction
            // above rolled it back.
            return exception;
        }

        _commits.Committed(writes.Count, Stopwatch.GetElapsedTime(started));
        foreach (var write in writes)
        {
            write.Complete();
        }

        return null;
    }
}
