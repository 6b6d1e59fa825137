namespace Orchestrator.Runs;

/// <summary>The run is not in a state that allows what was asked (pausing a run that is not running, signalling a
/// finished run, retrying a node that did not fail).</summary>
[GenerateSerializer]
public sealed class RunConflictException : InvalidOperationException
{
    public RunConflictException()
    {
    }

    public RunConflictException(string message)
        : base(message)
    {
    }

    public RunConflictException(string runId, string message)
        : base(message) => RunId = runId;

    public RunConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The run that refused.</summary>
    [Id(0)]
    public string? RunId { get; private set; }
}
