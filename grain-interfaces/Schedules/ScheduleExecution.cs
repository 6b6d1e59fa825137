namespace Orchestrator.Schedules;

/// <summary>One fire of a schedule and what it did.</summary>
/// <param name="RunId">The run started (or, for a buffered fire, not yet started: null).</param>
/// <param name="ScheduledFor">The occurrence this fire is for (UTC); the first of them when it stands for several.</param>
/// <param name="FiredAt">When the schedule acted on it (UTC).</param>
/// <param name="Outcome"><c>started</c>, or why no run was started.</param>
public sealed record ScheduleExecution(string? RunId, DateTimeOffset ScheduledFor, DateTimeOffset FiredAt, ScheduleOutcome Outcome)
{
    /// <summary>Details: the previous run still going, how many occurrences were missed, why a start failed.</summary>
    public string? Reason { get; init; }

    /// <summary>How many occurrences this record stands for, when more than one (missed occurrences recorded together).</summary>
    public long? Occurrences { get; init; }

    /// <summary>True when a person triggered this fire.</summary>
    public bool? Manual { get; init; }
}
