namespace Orchestrator.Loops;

/// <summary>A loop's counters as written at a checkpoint.</summary>
public sealed class LoopCounterState
{
    public long Iterations { get; set; }

    public long Completed { get; set; }

    public long Errors { get; set; }

    public long DuplicatesDropped { get; set; }

    public LoopErrorInfo? LastError { get; set; }

    public Dictionary<string, LoopNodeSnapshot> Nodes { get; set; } = new(StringComparer.Ordinal);
}
