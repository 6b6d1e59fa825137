namespace Orchestrator.Schedules;

/// <summary>Settings of the schedule grains.</summary>
public sealed class ScheduleOptions
{
    /// <summary>An occurrence found later than this after its time counts as missed (the silo was down), and the
    /// misfire policy decides what happens to it.</summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a fire kept by the <c>bufferOne</c> overlap policy checks whether the previous run has finished.</summary>
    public TimeSpan BufferCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Execution records kept per schedule; older ones are dropped.</summary>
    public int ExecutionHistory { get; set; } = 100;
}
