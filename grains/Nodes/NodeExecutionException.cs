namespace Orchestrator.Nodes;

/// <summary>An attempt failed in a way the executor describes (non-zero exit, HTTP 5xx, a node's own failure).</summary>
public sealed class NodeExecutionException : Exception
{
    public NodeExecutionException()
    {
    }

    public NodeExecutionException(string message) : base(message)
    {
    }

    public NodeExecutionException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
