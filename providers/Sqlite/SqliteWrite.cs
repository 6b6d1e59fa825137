namespace Orchestrator.Providers.Sqlite;

/// <summary>One write waiting for the writer: it runs inside a batch's transaction and its caller is answered only
/// after that transaction committed (or failed).</summary>
internal abstract class SqliteWrite
{
    /// <summary>False when the caller gave up before the write ran; the caller then sees a cancellation.</summary>
    public abstract bool TryStart();

    /// <summary>Runs the write's statements in the open transaction and keeps its result for <see cref="Complete"/>.</summary>
    public abstract void Execute(SqliteWriteScope scope);

    /// <summary>Answers the caller with the result, once the transaction committed.</summary>
    public abstract void Complete();

    /// <summary>Answers the caller with the failure that rolled its transaction back.</summary>
    public abstract void Fail(Exception exception);
}
