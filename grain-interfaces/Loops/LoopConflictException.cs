namespace Orchestrator.Loops;

/// <summary>The loop is not in a state that allows what was asked (pausing or resuming an ended loop, retrying a node
/// of an ended loop).</summary>
[GenerateSerializer]
public sealed class LoopConflictException : InvalidOperationException
{
    public LoopConflictException()
    {
    }

    public LoopConflictException(string message)
        : base(message)
    {
    }

    public LoopConflictException(string loopId, string message)
        : base(message) => LoopId = loopId;

    public LoopConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The loop that refused.</summary>
    [Id(0)]
    public string? LoopId { get; private set; }
}
