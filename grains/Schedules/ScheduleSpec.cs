using Orchestrator.Definitions;

namespace Orchestrator.Schedules;

/// <summary>A schedule definition that passed validation, read into the values the grain works with.</summary>
internal sealed record ScheduleSpec
{
    /// <summary><see cref="ScheduleKinds"/>.</summary>
    public required string Kind { get; init; }

    public required ScheduleCalendar Calendar { get; init; }

    public required TimeZoneInfo Zone { get; init; }

    /// <summary>The workflow each fire runs (the task's own workflow for a task schedule).</summary>
    public required string Workflow { get; init; }

    /// <summary>The one-node workflow of a task schedule, stored under <see cref="Workflow"/>.</summary>
    public WorkflowDefinition? TaskWorkflow { get; init; }

    public DateTimeOffset? StartAt { get; init; }

    public DateTimeOffset? At { get; init; }

    public required string Misfire { get; init; }

    public required int MisfireLimit { get; init; }

    public required string Overlap { get; init; }

    public TimeSpan Jitter { get; init; }
}
