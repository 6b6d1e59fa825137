namespace Orchestrator.Errors;

/// <summary>No such error record.</summary>
[GenerateSerializer]
public sealed class ErrorRecordNotFoundException : KeyNotFoundException
{
    public ErrorRecordNotFoundException()
    {
    }

    public ErrorRecordNotFoundException(string message)
        : base(message)
    {
    }

    public ErrorRecordNotFoundException(string errorId, string message)
        : base(message) => ErrorId = errorId;

    public ErrorRecordNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The error record asked for.</summary>
    [Id(0)]
    public string? ErrorId { get; private set; }
}
