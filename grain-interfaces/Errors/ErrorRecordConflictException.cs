namespace Orchestrator.Errors;

/// <summary>An action that the error record's status does not allow (resolving an ignored record, say).</summary>
[GenerateSerializer]
public sealed class ErrorRecordConflictException : InvalidOperationException
{
    public ErrorRecordConflictException()
    {
    }

    public ErrorRecordConflictException(string message) : base(message)
    {
    }

    public ErrorRecordConflictException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
