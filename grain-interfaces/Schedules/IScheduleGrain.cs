using Orleans.Concurrency;

namespace Orchestrator.Schedules;

/// <summary>A schedule of workflow runs (key: the schedule id): cron, interval or once, with a time zone, misfire and
/// overlap policies. A one-shot durable reminder drives each fire; the next fire time is computed from the stored state
/// and the clock, so a restart loses no fire and repeats none.</summary>
public interface IScheduleGrain : IGrainWithStringKey
{
    /// <summary>Memory-stream namespace (key <see cref="AllSchedulesStreamKey"/>) on which every execution record is
    /// announced as a <see cref="ScheduleExecutionEvent"/>.</summary>
    const string StreamNamespace = "schedule-events";

    /// <summary>The stream key carrying the executions of every schedule.</summary>
    const string AllSchedulesStreamKey = "*";

    /// <summary>Creates the schedule. Throws <see cref="ScheduleInvalidException"/> listing every problem, or
    /// <see cref="ScheduleConflictException"/> when the schedule already exists.</summary>
    Task<ScheduleSnapshot> CreateAsync(ScheduleDefinition definition);

    /// <summary>Replaces the definition (its history is kept) and computes the next fire time again from now.</summary>
    Task<ScheduleSnapshot> UpdateAsync(ScheduleDefinition definition);

    /// <summary>Deletes the schedule and its reminders; runs it started are kept.</summary>
    Task DeleteAsync();

    /// <summary>Enables the schedule: the next fire is the first occurrence after now (nothing missed while disabled fires).</summary>
    Task<ScheduleSnapshot> EnableAsync();

    /// <summary>Disables the schedule: nothing fires until it is enabled again; a buffered fire is dropped.</summary>
    Task<ScheduleSnapshot> DisableAsync();

    /// <summary>Starts a run now, whatever the overlap policy says; the next regular fire time does not change.</summary>
    Task<ScheduleExecution> TriggerAsync();

    /// <summary>The schedule, or null when it does not exist.</summary>
    [ReadOnly]
    Task<ScheduleSnapshot?> GetAsync();

    /// <summary>The schedule's executions, newest first, at most <paramref name="limit"/>.</summary>
    [ReadOnly]
    Task<IReadOnlyList<ScheduleExecution>> GetExecutionsAsync(int limit);

    /// <summary>The next <paramref name="count"/> fire times from now (UTC), as the stored definition computes them.</summary>
    [ReadOnly]
    Task<IReadOnlyList<DateTimeOffset>> PreviewAsync(int count);
}
