namespace Orchestrator.Runtime;

/// <summary>A grain call did not complete within the call timeout.</summary>
public sealed class GrainCallTimeoutException : TimeoutException
{
    public GrainCallTimeoutException(GrainId grainId, string method, TimeSpan timeout)
        : base($"Call to {grainId}.{method} did not complete within {timeout.TotalMilliseconds:0} ms.")
    {
        GrainId = grainId;
        Method = method;
    }

    public GrainCallTimeoutException()
    {
    }

    public GrainCallTimeoutException(string message) : base(message)
    {
    }

    public GrainCallTimeoutException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>The grain that was called.</summary>
    public GrainId GrainId { get; }

    /// <summary>The interface method that was called.</summary>
    public string Method { get; } = "";
}
