namespace Orchestrator.Loops;

/// <summary>A loop in a listing (read from the loops view, written with the loop's state).</summary>
public sealed record LoopSummary(
    string Id,
    string RunId,
    string Workflow,
    string Loop,
    LoopStatus State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StoppedAt,
    string? Reason);
