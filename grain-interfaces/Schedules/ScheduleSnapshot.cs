using System.Text.Json.Nodes;

namespace Orchestrator.Schedules;

/// <summary>A schedule as seen from outside (the <c>GET /api/schedules/{id}</c> shape).</summary>
public sealed record ScheduleSnapshot
{
    public required string Id { get; init; }

    public string? Name { get; init; }

    public required string Workflow { get; init; }

    public int? Version { get; init; }

    public JsonNode? Input { get; init; }

    /// <summary><c>cron</c>, <c>interval</c> or <c>once</c> (see <see cref="ScheduleKinds"/>).</summary>
    public required string Kind { get; init; }

    public string? Cron { get; init; }

    public string? Every { get; init; }

    public DateTimeOffset? StartAt { get; init; }

    public DateTimeOffset? At { get; init; }

    /// <summary>The time zone the schedule is read in (<c>UTC</c> unless one was given).</summary>
    public required string TimeZone { get; init; }

    public required string Misfire { get; init; }

    public int? MisfireLimit { get; init; }

    public required string Overlap { get; init; }

    public bool Enabled { get; init; }

    public string? Jitter { get; init; }

    /// <summary>The one node the schedule runs, when it was given as a task (seed 004).</summary>
    public ScheduleTask? Task { get; init; }

    /// <summary>The next occurrence (UTC); null when the schedule is disabled or will not fire again.</summary>
    public DateTimeOffset? NextFireAt { get; init; }

    /// <summary>When the schedule last acted on an occurrence (UTC).</summary>
    public DateTimeOffset? LastFireAt { get; init; }

    public ScheduleOutcome? LastOutcome { get; init; }

    /// <summary>The run the schedule started last.</summary>
    public string? LastRunId { get; init; }

    /// <summary>The occurrence kept by the <c>bufferOne</c> policy, waiting for the previous run to finish.</summary>
    public DateTimeOffset? BufferedFor { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
