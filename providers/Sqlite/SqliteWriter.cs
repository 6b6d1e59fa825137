using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Providers.Sqlite;

/// <summary>The single writer of a SQLite database (group commit). Writes queue on a channel; one long-running task
/// takes everything queued (up to the batch size), runs it in one transaction, commits (one disk sync), then answers
/// every caller. While it commits, the next writes queue up, so the batch grows with the load.</summary>
/// <remarks>A write whose ETag check fails changes nothing and only reports the mismatch, so it never spoils its
/// batch. An unexpected error rolls the batch back and each of its writes is retried in a transaction of its own,
/// so only the write at fault fails.</remarks>
internal sealed class SqliteWriter : IAsyncDisposable
{
    private readonly Channel<SqliteWrite> _queue =
        Channel.CreateUnbounded<SqliteWrite>(new UnboundedChannelOptions { SingleReader = true });

    private readonly SqliteWriteScope _scope;
    private readonly int _maxBatchSize;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private readonly CommitCounter _commits = new();

    public SqliteWriter(SqliteWriteScope scope, int maxBatchSize, ILogger logger)
    {
        _scope = scope;
        _maxBatchSize = maxBatchSize;
        _logger = logger;
        _loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Transactions committed so far, the writes in them and the time they took.</summary>
    public CommitStatistics Commits => _commits.Read();

    /// <summary>Queues a write; the task completes once it is committed (durable) or has failed.</summary>
    public Task<T> EnqueueAsync<T>(Func<SqliteWriteScope, T> execute, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var write = new SqliteWrite<T>(execute, cancellationToken);
        if (!_queue.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(SqliteStorageBackend), "The SQLite storage is closed.");
        }

        return write.Task;
    }

    /// <summary>Stops taking writes, commits those still queued, then stops the writer task.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        finally
        {
            _scope.Dispose();
        }
    }

    private void Run()
    {
        var reader = _queue.Reader;
        var batch = new List<SqliteWrite>(_maxBatchSize);

        // This task owns a thread of its own, so blocking it while the queue is empty costs the thread pool nothing.
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
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
                CommitBatch(batch);
                batch.Clear();
            }
        }
    }

    private void CommitBatch(List<SqliteWrite> batch)
    {
        var failure = TryCommit(batch);
        if (failure is null)
        {
            return;
        }

        if (batch.Count == 1)
        {
            SqliteStorageLog.WriteFailed(_logger, failure);
            batch[0].Fail(failure);
            return;
        }

        SqliteStorageLog.BatchFailed(_logger, batch.Count, failure);
        var single = new List<SqliteWrite>(1);
        foreach (var write in batch)
        {
            single.Add(write);
            if (TryCommit(single) is { } writeFailure)
            {
                SqliteStorageLog.WriteFailed(_logger, writeFailure);
                write.Fail(writeFailure);
            }

            single.Clear();
        }
    }

    /// <summary>Runs the writes in one transaction and answers them after the commit; returns the error instead when
    /// the transaction could not commit (it is rolled back and no write is answered).</summary>
    private Exception? TryCommit(List<SqliteWrite> writes)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            _scope.Begin();
            foreach (var write in writes)
            {
                write.Execute(_scope);
            }

            _scope.Commit();
        }
        catch (Exception exception)
        {
            // Any failure must reach the waiting callers instead of ending the writer task.
            _scope.Rollback();
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
