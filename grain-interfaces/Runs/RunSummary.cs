namespace Orchestrator.Runs;

/// <summary>A run in a listing (read from the runs view, not from the grain).</summary>
public sealed record RunSummary(
    string RunId,
    string Workflow,
    int Version,
    RunStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error,
    string? TriggeredBy = null);
