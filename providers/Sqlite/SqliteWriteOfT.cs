namespace Orchestrator.Providers.Sqlite;

/// <summary>A write whose statements are a delegate returning <typeparamref name="T"/>.</summary>
internal sealed class SqliteWrite<T>(Func<SqliteWriteScope, T> execute, CancellationToken cancellationToken) : SqliteWrite
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T _result = default!;

    public Task<T> Task => _completion.Task;

    /// <inheritdoc/>
    public override bool TryStart()
    {
        if (cancellationToken.IsCancellationRequested)
        {
            _completion.TrySetCanceled(cancellationToken);
            return false;
        }

        return true;
    }

    /// <inheritdoc/>
    public override void Execute(SqliteWriteScope scope) => _result = execute(scope);

    /// <inheritdoc/>
    public override void Complete() => _completion.TrySetResult(_result);

    /// <inheritdoc/>
    public override void Fail(Exception exception) => _completion.TrySetException(exception);
}
