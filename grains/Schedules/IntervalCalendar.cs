namespace Orchestrator.Schedules;

/// <summary>Occurrences at <c>anchor + k · every</c> for k ≥ 0: a fixed interval in absolute time, so daylight-saving
/// changes do not move it.</summary>
internal sealed class IntervalCalendar(DateTimeOffset anchor, TimeSpan every) : ScheduleCalendar
{
    public DateTimeOffset Anchor => anchor;

    public TimeSpan Every => every;

    public override DateTimeOffset? NextAfter(DateTimeOffset after)
    {
        if (after < anchor)
        {
            return anchor;
        }

        var passed = (after - anchor).Ticks / every.Ticks;
        return anchor + TimeSpan.FromTicks(every.Ticks * (passed + 1));
    }

    public override DueOccurrences Due(DateTimeOffset first, DateTimeOffset now, int keep)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        if (now < first)
        {
            return new DueOccurrences([], 0, CountIsLowerBound: false);
        }

        var count = ((now - first).Ticks / every.Ticks) + 1;
        var last = first + TimeSpan.FromTicks(every.Ticks * (count - 1));
        var kept = (int)Math.Min(keep, count);
        var latest = new DateTimeOffset[kept];
        for (var i = 0; i < kept; i++)
        {
            latest[i] = last - TimeSpan.FromTicks(every.Ticks * (kept - 1 - i));
        }

        return new DueOccurrences(latest, count, CountIsLowerBound: false);
    }
}
