using System.Text.Json.Nodes;

namespace Orchestrator.Schedules;

/// <summary>
/// A schedule as its author wrote it. Exactly one of <see cref="Cron"/>, <see cref="Every"/> and <see cref="At"/> says
/// when it fires. Times and durations are kept as written so that the grain can report every problem with its field.
/// </summary>
public sealed record ScheduleDefinition
{
    /// <summary>A name for people; no meaning to the engine.</summary>
    public string? Name { get; init; }

    /// <summary>The workflow to run (not needed when <see cref="Task"/> is given).</summary>
    public string? Workflow { get; init; }

    /// <summary>The workflow version to run; the latest at each fire when null.</summary>
    public int? Version { get; init; }

    /// <summary>Each run's input.</summary>
    public JsonNode? Input { get; init; }

    /// <summary>A cron expression, 5 fields (minute hour day month weekday) or 6 (seconds first), read in <see cref="TimeZone"/>.</summary>
    public string? Cron { get; init; }

    /// <summary>An interval (<c>30s</c>, <c>5m</c>, <c>1h</c>): fires at <see cref="StartAt"/> + k · every.</summary>
    public string? Every { get; init; }

    /// <summary>With <see cref="Every"/>: the first fire time (ISO 8601; without an offset it is read in
    /// <see cref="TimeZone"/>); one interval after the schedule was saved when absent.</summary>
    public string? StartAt { get; init; }

    /// <summary>One fire at this time (ISO 8601; without an offset it is read in <see cref="TimeZone"/>).</summary>
    public string? At { get; init; }

    /// <summary>An IANA (or Windows) time zone id; UTC when absent.</summary>
    public string? TimeZone { get; init; }

    /// <summary>What happens to fires that fell due while the silo was down: one of <see cref="MisfirePolicies"/>
    /// (<c>fireOnce</c> when absent).</summary>
    public string? Misfire { get; init; }

    /// <summary>With <c>fireAll</c>: the most missed occurrences that fire (10 when absent, at most 100).</summary>
    public int? MisfireLimit { get; init; }

    /// <summary>What a fire does while the previous run still goes: one of <see cref="OverlapPolicies"/>
    /// (<c>skip</c> when absent).</summary>
    public string? Overlap { get; init; }

    /// <summary>Whether the schedule fires; true when absent.</summary>
    public bool? Enabled { get; init; }

    /// <summary>A duration: each fire is delayed by a random amount below it, to spread load.</summary>
    public string? Jitter { get; init; }

    /// <summary>Instead of <see cref="Workflow"/>: one node to run (seed 004's <c>taskType</c> and <c>taskConfig</c>);
    /// the schedule keeps it as a one-node workflow of its own.</summary>
    public ScheduleTask? Task { get; init; }
}
