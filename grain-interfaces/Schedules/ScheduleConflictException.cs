namespace Orchestrator.Schedules;

/// <summary>The schedule is not in a state that allows the action (creating one that exists, say).</summary>
[GenerateSerializer]
public sealed class ScheduleConflictException : InvalidOperationException
{
    public ScheduleConflictException()
    {
    }

    public ScheduleConflictException(string message) : base(message)
    {
    }

    public ScheduleConflictException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
