namespace Orchestrator.Schedules;

/// <summary>An execution record of a schedule as announced on the <see cref="IScheduleGrain.StreamNamespace"/> stream.</summary>
/// <param name="ScheduleId">The schedule.</param>
/// <param name="Name">The schedule's name.</param>
/// <param name="Workflow">The workflow it runs.</param>
/// <param name="Execution">What the fire did.</param>
public sealed record ScheduleExecutionEvent(string ScheduleId, string? Name, string Workflow, ScheduleExecution Execution);
