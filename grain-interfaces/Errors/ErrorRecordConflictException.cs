namespace Orchestrator.Errors;

/// <summary>An action that the error record's status does not allow (resolving an ignored record, say), or a retry the
/// run or loop refused.</summary>
[GenerateSerializer]
public sealed class ErrorRecordConflictException : InvalidOperationException
{
    public ErrorRecordConflictException()
    {
    }

    public ErrorRecordConflictException(string message)
        : base(message)
    {
    }

    public ErrorRecordConflictException(string errorId, string message)
        : base(message) => ErrorId = errorId;

    public ErrorRecordConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ErrorRecordConflictException(string errorId, string message, Exception innerException)
        : base(message, innerException) => ErrorId = errorId;

    /// <summary>The error record that refused.</summary>
    [Id(0)]
    public string? ErrorId { get; private set; }
}
