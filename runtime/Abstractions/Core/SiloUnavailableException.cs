namespace Orchestrator.Runtime;

/// <summary>The silo is not accepting calls: it has not started yet, or it is shutting down.</summary>
public sealed class SiloUnavailableException : InvalidOperationException
{
    public SiloUnavailableException()
        : base("The silo is not accepting calls.")
    {
    }

    public SiloUnavailableException(string message) : base(message)
    {
    }

    public SiloUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
