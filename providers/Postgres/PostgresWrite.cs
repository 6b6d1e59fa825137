using Npgsql;

namespace Orchestrator.Providers.Postgres;

/// <summary>One write waiting for the group-commit writer: a single statement run inside a batch's transaction,
/// whose result is the first column of its first row (null when it returns no row). The caller is answered only
/// after that transaction committed, or failed.</summary>
/// <param name="orderKey">The record the write locks; a batch runs its writes in this order, so two silos' batches
/// take row locks in the same order and cannot deadlock.</param>
/// <param name="createCommand">Makes the statement; called again when the write is retried alone.</param>
/// <param name="cancellationToken">Cancels the write while it waits; once it runs it completes.</param>
internal sealed class PostgresWrite(string orderKey, Func<NpgsqlBatchCommand> createCommand, CancellationToken cancellationToken)
{
    private readonly TaskCompletionSource<long?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long? _result;

    public string OrderKey => orderKey;

    public Task<long?> Task => _completion.Task;

    /// <summary>False when the caller gave up before the write ran; the caller then sees a cancellation.</summary>
    public bool TryStart()
    {
        if (cancellationToken.IsCancellationRequested)
        {
            _completion.TrySetCanceled(cancellationToken);
            return false;
        }

        return true;
    }

    public NpgsqlBatchCommand CreateCommand() => createCommand();

    /// <summary>Reads the statement's result; the reader stands on the statement's result set.</summary>
    public async Task ReadResultAsync(NpgsqlDataReader reader, CancellationToken cancellation)
    {
        _result = await reader.ReadAsync(cancellation).ConfigureAwait(false) && !await reader.IsDBNullAsync(0, cancellation).ConfigureAwait(false)
            ? reader.GetInt64(0)
            : null;
    }

    /// <summary>Answers the caller with the result, once the transaction committed.</summary>
    public void Complete() => _completion.TrySetResult(_result);

    /// <summary>Answers the caller with the failure that rolled its transaction back.</summary>
    public void Fail(Exception exception) => _completion.TrySetException(exception);
}
