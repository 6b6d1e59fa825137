namespace Orchestrator.Schedules;

/// <summary>No such schedule.</summary>
[GenerateSerializer]
public sealed class ScheduleNotFoundException : KeyNotFoundException
{
    public ScheduleNotFoundException()
    {
    }

    public ScheduleNotFoundException(string message) : base(message)
    {
    }

    public ScheduleNotFoundException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
