using NCrontab;

namespace Orchestrator.Definitions;

/// <summary>Reads cron expressions: 5 fields (minute hour day month weekday), or 6 with seconds first.</summary>
internal static class CronExpressions
{
    public static CrontabSchedule? TryParse(string expression, out string? error)
    {
        var fields = expression.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6))
        {
            error = $"'{expression}' has {fields} field{(fields == 1 ? "" : "s")}; a cron expression has 5 (minute hour day month weekday) or 6 (seconds first)";
            return null;
        }

        try
        {
            error = null;
            return CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 });
        }
        catch (CrontabException e)
        {
            error = $"'{expression}' is not a valid cron expression: {e.Message}";
            return null;
        }
    }
}
