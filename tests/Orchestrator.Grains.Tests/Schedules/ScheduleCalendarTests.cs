using Orchestrator.Schedules;

namespace Orchestrator.Grains.Tests.Schedules;

/// <summary>Fire-time sequences of cron and interval schedules, including the daylight-saving changes of
/// America/New_York in 2026 (clocks jump 02:00 → 03:00 on 8 March, fall back 02:00 → 01:00 on 1 November).</summary>
public sealed class ScheduleCalendarTests
{
    private const string NewYork = "America/New_York";

    [Fact]
    public void Cron_FiresAtTheEndOfTheGap_WhenItsTimeIsSkippedBySpringForward()
    {
        var calendar = Cron("30 2 * * *", NewYork, "2026-03-06T12:00:00Z");

        var times = Sequence(calendar, "2026-03-06T12:00:00Z", 4);

        // 02:30 EST the day before, 03:00 EDT (the end of the gap) on the day, 02:30 EDT after.
        Assert.Equal(["2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"], times);
    }

    [Fact]
    public void Cron_FiresOnce_WhenItsTimeIsRepeatedByFallBack()
    {
        var calendar = Cron("30 1 * * *", NewYork, "2026-10-30T12:00:00Z");

        var times = Sequence(calendar, "2026-10-30T12:00:00Z", 3);

        // 01:30 EDT on 31 October, the first 01:30 (EDT) on 1 November only, then 01:30 EST.
        Assert.Equal(["2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"], times);
    }

    [Fact]
    public void Cron_FiresInBothPasses_WhenAnHourlyExpressionMeetsFallBack()
    {
        var calendar = Cron("30 * * * *", NewYork, "2026-11-01T03:00:00Z");

        var times = Sequence(calendar, "2026-11-01T03:00:00Z", 5);

        // 23:30 EDT, 00:30 EDT, 01:30 EDT, 01:30 EST, 02:30 EST: hourly throughout.
        Assert.Equal(["2026-11-01T03:30:00Z", "2026-11-01T04:30:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-01T07:30:00Z"], times);
    }

    [Fact]
    public void Cron_FiresOnceAfterTheGap_WhenSeveralOfItsTimesAreSkipped()
    {
        var calendar = Cron("*/15 * * * *", NewYork, "2026-03-08T06:40:00Z");

        var times = Sequence(calendar, "2026-03-08T06:40:00Z", 3);

        // 01:45 EST, then 02:00–02:45 do not exist: one fire at 03:00 EDT, then 03:15 EDT.
        Assert.Equal(["2026-03-08T06:45:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:15:00Z"], times);
    }

    [Fact]
    public void Cron_ReadsSixFields_WithSecondsFirst()
    {
        var calendar = Cron("*/10 * * * * *", null, "2026-01-01T12:00:00Z");

        Assert.Equal(["2026-01-01T12:00:10Z", "2026-01-01T12:00:20Z", "2026-01-01T12:00:30Z"], Sequence(calendar, "2026-01-01T12:00:00Z", 3));
    }

    [Fact]
    public void Cron_ReadsWallClockTimes_InItsTimeZone()
    {
        var calendar = Cron("0 9 * * MON-FRI", "Europe/Berlin", "2026-07-03T00:00:00Z");

        // Friday 3 July at 09:00 CEST, then Monday and Tuesday.
        Assert.Equal(["2026-07-03T07:00:00Z", "2026-07-06T07:00:00Z", "2026-07-07T07:00:00Z"], Sequence(calendar, "2026-07-03T00:00:00Z", 3));
    }

    [Fact]
    public void Interval_KeepsItsSpacingInAbsoluteTime_AcrossFallBack()
    {
        var spec = ScheduleValidator.Validate(
            new ScheduleDefinition { Workflow = "w", Every = "1h", StartAt = "2026-11-01T04:00:00Z", TimeZone = NewYork }, "s", At("2026-10-31T00:00:00Z"));

        Assert.Equal(["2026-11-01T04:00:00Z", "2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z"],
            Sequence(spec.Calendar, "2026-10-31T00:00:00Z", 4));
    }

    [Fact]
    public void Interval_StartsOneIntervalAfterItWasSaved_WhenItHasNoStartTime()
    {
        var spec = ScheduleValidator.Validate(new ScheduleDefinition { Workflow = "w", Every = "90s" }, "s", At("2026-01-01T00:00:00Z"));

        Assert.Equal(["2026-01-01T00:01:30Z", "2026-01-01T00:03:00Z"], Sequence(spec.Calendar, "2026-01-01T00:00:00Z", 2));
    }

    [Fact]
    public void IntervalDue_CountsEveryMissedOccurrence_AndKeepsOnlyTheLatest()
    {
        var calendar = new IntervalCalendar(At("2026-01-01T00:00:00Z"), TimeSpan.FromMinutes(1));

        var due = calendar.Due(At("2026-01-01T00:00:00Z"), At("2026-01-02T00:00:30Z"), keep: 3);

        Assert.Equal(1441, due.Count);
        Assert.Equal([At("2026-01-01T23:58:00Z"), At("2026-01-01T23:59:00Z"), At("2026-01-02T00:00:00Z")], due.Latest);
    }

    [Fact]
    public void CronDue_CountsAndKeepsTheLatest_LikeAnInterval()
    {
        var calendar = Cron("* * * * *", null, "2026-01-01T00:00:00Z");

        var due = calendar.Due(At("2026-01-01T00:01:00Z"), At("2026-01-01T01:00:30Z"), keep: 2);

        Assert.Equal(60, due.Count);
        Assert.False(due.CountIsLowerBound);
        Assert.Equal([At("2026-01-01T00:59:00Z"), At("2026-01-01T01:00:00Z")], due.Latest);
    }

    [Fact]
    public void Once_HasOneOccurrence()
    {
        var calendar = new OnceCalendar(At("2026-05-01T10:00:00Z"));

        Assert.Equal(At("2026-05-01T10:00:00Z"), calendar.NextAfter(At("2026-01-01T00:00:00Z")));
        Assert.Null(calendar.NextAfter(At("2026-05-01T10:00:00Z")));
    }

    internal static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static ScheduleCalendar Cron(string expression, string? zone, string definedAt) =>
        ScheduleValidator.Validate(new ScheduleDefinition { Workflow = "w", Cron = expression, TimeZone = zone }, "s", At(definedAt)).Calendar;

    private static List<string> Sequence(ScheduleCalendar calendar, string from, int count)
    {
        var times = new List<string>();
        var after = At(from);
        while (times.Count < count && calendar.NextAfter(after) is { } next)
        {
            Assert.True(next > after);
            Assert.Equal(TimeSpan.Zero, next.Offset);
            times.Add(next.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            after = next;
        }

        return times;
    }
}
