namespace Orchestrator.Schedules;

/// <summary>How a schedule says when it fires.</summary>
public static class ScheduleKinds
{
    /// <summary>A cron expression in a time zone.</summary>
    public const string Cron = "cron";

    /// <summary>A fixed interval from a start time.</summary>
    public const string Interval = "interval";

    /// <summary>One fire at a given time.</summary>
    public const string Once = "once";
}
