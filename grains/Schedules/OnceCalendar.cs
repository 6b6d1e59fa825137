namespace Orchestrator.Schedules;

/// <summary>A single occurrence.</summary>
internal sealed class OnceCalendar(DateTimeOffset at) : ScheduleCalendar
{
    public override DateTimeOffset? NextAfter(DateTimeOffset after) => after < at ? at : null;
}
