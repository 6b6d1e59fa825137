namespace Orchestrator.Tasks;

/// <summary>The task is no longer claimable: it ended (completed, failed, cancelled) or its claim lapsed and was taken over.</summary>
[GenerateSerializer]
public sealed class TaskConflictException : InvalidOperationException
{
    public TaskConflictException()
    {
    }

    public TaskConflictException(string message)
        : base(message)
    {
    }

    public TaskConflictException(string taskId, string message)
        : base(message) => TaskId = taskId;

    public TaskConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The task concerned.</summary>
    [Id(0)]
    public string? TaskId { get; private set; }
}
