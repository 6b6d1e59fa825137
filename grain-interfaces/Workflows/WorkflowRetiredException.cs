namespace Orchestrator.Workflows;

/// <summary>The workflow is retired: it keeps its versions, but no new run starts.</summary>
[GenerateSerializer]
public sealed class WorkflowRetiredException : InvalidOperationException
{
    public WorkflowRetiredException()
    {
    }

    public WorkflowRetiredException(string message)
        : base(message)
    {
    }

    public WorkflowRetiredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
