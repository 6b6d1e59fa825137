using NCrontab;

namespace Orchestrator.Schedules;

/// <summary>
/// Occurrences of a cron expression read in a time zone. NCrontab works on wall-clock times; this class turns them
/// into instants, handling daylight-saving changes as Vixie cron and Cronos do:
/// <list type="bullet">
/// <item>A wall-clock time the clock skips (02:30 when 02:00 jumps to 03:00) fires at the end of the gap (03:00);
/// several skipped times fire once there.</item>
/// <item>A wall-clock time the clock repeats (01:30 when 02:00 falls back to 01:00) fires once, at its first
/// occurrence, unless the expression is interval-like (<c>*</c> or a step in the seconds, minutes or hours field), in
/// which case it fires in both passes, keeping its rhythm.</item>
/// </list>
/// Instants are returned in UTC.
/// </summary>
internal sealed class CronCalendar : ScheduleCalendar
{
    /// <summary>Wider than any daylight-saving shift, so that a repeated wall-clock time is never missed.</summary>
    private static readonly TimeSpan LookBack = TimeSpan.FromHours(3);

    /// <summary>An expression that finds nothing within this span never fires.</summary>
    private static readonly TimeSpan Horizon = TimeSpan.FromDays(366 * 8);

    private readonly CrontabSchedule _schedule;
    private readonly TimeZoneInfo _zone;
    private readonly bool _fireTwiceWhenRepeated;

    public CronCalendar(CrontabSchedule schedule, string expression, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(expression);
        _schedule = schedule;
        _zone = zone;
        _fireTwiceWhenRepeated = IsIntervalLike(expression);
    }

    public override DateTimeOffset? NextAfter(DateTimeOffset after)
    {
        if (_zone == TimeZoneInfo.Utc)
        {
            var start = after.UtcDateTime;
            var next = _schedule.GetNextOccurrence(start, start + Horizon);
            return next >= start + Horizon ? null : new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Unspecified), TimeSpan.Zero);
        }

        // A wall-clock time before `after`'s own can still lie after it when the clock falls back within the look-back.
        var wall = TimeZoneInfo.ConvertTime(after, _zone).DateTime;
        var candidate = _zone.GetUtcOffset(after) != _zone.GetUtcOffset(after + LookBack) ? wall - LookBack : wall;
        var end = wall + Horizon;
        while (true)
        {
            candidate = _schedule.GetNextOccurrence(candidate, end);
            if (candidate >= end)
            {
                return null;
            }

            foreach (var instant in InstantsOf(candidate))
            {
                if (instant > after)
                {
                    return instant.ToUniversalTime();
                }
            }
        }
    }

    /// <summary>The instants a wall-clock time stands for, earliest first.</summary>
    private IEnumerable<DateTimeOffset> InstantsOf(DateTime wall)
    {
        if (_zone.IsInvalidTime(wall))
        {
            yield return EndOfGap(wall);
            yield break;
        }

        if (_zone.IsAmbiguousTime(wall))
        {
            var offsets = _zone.GetAmbiguousTimeOffsets(wall).OrderByDescending(offset => offset).ToArray();
            yield return new DateTimeOffset(wall, offsets[0]);
            if (_fireTwiceWhenRepeated)
            {
                foreach (var offset in offsets.Skip(1))
                {
                    yield return new DateTimeOffset(wall, offset);
                }
            }

            yield break;
        }

        yield return new DateTimeOffset(wall, _zone.GetUtcOffset(wall));
    }

    /// <summary>The instant the clock jumps to, for a wall-clock time inside a spring-forward gap.</summary>
    private DateTimeOffset EndOfGap(DateTime wall)
    {
        var probe = new DateTime(wall.Ticks - (wall.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Unspecified);
        for (var minutes = 0; minutes < 24 * 60 && _zone.IsInvalidTime(probe); minutes++)
        {
            probe = probe.AddMinutes(1);
        }

        return new DateTimeOffset(probe, _zone.GetUtcOffset(probe));
    }

    /// <summary>True when the seconds, minutes or hours field has a <c>*</c> or a step: such an expression keeps its rhythm
    /// through a repeated hour.</summary>
    private static bool IsIntervalLike(string expression)
    {
        var fields = expression.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var timeFields = fields.Length == 6 ? fields[..3] : fields[..2];
        return timeFields.Any(field => field.Contains('*', StringComparison.Ordinal) || field.Contains('/', StringComparison.Ordinal));
    }
}
