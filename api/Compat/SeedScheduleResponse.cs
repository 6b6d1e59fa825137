using System.Text.Json.Nodes;
using Orchestrator.Schedules;

namespace Orchestrator.Api.Compat;

/// <summary>A schedule in seed 004's shape (<c>task_schedules</c>: next_run_at, last_run_at).</summary>
public sealed record SeedScheduleResponse(
    string Id,
    string? Name,
    string TaskType,
    JsonObject TaskConfig,
    string ScheduleType,
    JsonObject ScheduleConfig,
    bool Enabled,
    DateTimeOffset? NextRunAt,
    DateTimeOffset? LastRunAt,
    ScheduleOutcome? LastOutcome,
    string? LastRunId,
    string Misfire,
    string Overlap,
    string? Jitter,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
