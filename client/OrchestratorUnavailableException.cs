namespace Orchestrator.Client;

/// <summary>The orchestrator could not be reached (no gateway answered, or the HTTP server did not).</summary>
public sealed class OrchestratorUnavailableException : Exception
{
    public OrchestratorUnavailableException()
    {
    }

    public OrchestratorUnavailableException(string message)
        : base(message)
    {
    }

    public OrchestratorUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
