namespace Orchestrator.Loops;

/// <summary>No such loop (or no such node in the loop's chain).</summary>
[GenerateSerializer]
public sealed class LoopNotFoundException : KeyNotFoundException
{
    public LoopNotFoundException()
    {
    }

    public LoopNotFoundException(string message)
        : base(message)
    {
    }

    public LoopNotFoundException(string loopId, string message)
        : base(message) => LoopId = loopId;

    public LoopNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The loop asked for.</summary>
    [Id(0)]
    public string? LoopId { get; private set; }
}
