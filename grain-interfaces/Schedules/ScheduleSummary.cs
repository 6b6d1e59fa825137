namespace Orchestrator.Schedules;

/// <summary>A schedule in a listing (read from the schedules view, not from the grain).</summary>
public sealed record ScheduleSummary(
    string Id,
    string? Name,
    string Workflow,
    string Kind,
    bool Enabled,
    DateTimeOffset? NextFireAt,
    DateTimeOffset? LastFireAt,
    ScheduleOutcome? LastOutcome,
    string? LastRunId,
    DateTimeOffset CreatedAt);
