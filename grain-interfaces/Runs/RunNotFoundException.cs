namespace Orchestrator.Runs;

/// <summary>No such run (or no such node in the run).</summary>
[GenerateSerializer]
public sealed class RunNotFoundException : KeyNotFoundException
{
    public RunNotFoundException()
    {
    }

    public RunNotFoundException(string message)
        : base(message)
    {
    }

    public RunNotFoundException(string runId, string message)
        : base(message) => RunId = runId;

    public RunNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The run asked for.</summary>
    [Id(0)]
    public string? RunId { get; private set; }
}
