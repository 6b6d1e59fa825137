namespace Orchestrator.Workflows;

/// <summary>No such workflow, or no such version of it.</summary>
[GenerateSerializer]
public sealed class WorkflowNotFoundException : KeyNotFoundException
{
    public WorkflowNotFoundException()
    {
    }

    public WorkflowNotFoundException(string message) : base(message)
    {
    }

    public WorkflowNotFoundException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
