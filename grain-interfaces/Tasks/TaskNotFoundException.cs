namespace Orchestrator.Tasks;

/// <summary>No task of that id exists on its queue, nor ever did.</summary>
[GenerateSerializer]
public sealed class TaskNotFoundException : KeyNotFoundException
{
    public TaskNotFoundException()
    {
    }

    public TaskNotFoundException(string message)
        : base(message)
    {
    }

    public TaskNotFoundException(string taskId, string message)
        : base(message) => TaskId = taskId;

    public TaskNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The task concerned.</summary>
    [Id(0)]
    public string? TaskId { get; private set; }
}
