using System.Globalization;
using Orchestrator.Definitions;

namespace Orchestrator.Schedules;

/// <summary>Checks a schedule definition and reads it into a <see cref="ScheduleSpec"/>, reporting every problem with
/// its field.</summary>
internal static class ScheduleValidator
{
    /// <summary>The shortest interval: reminders are not due more precisely.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The largest jitter.</summary>
    public static readonly TimeSpan MaximumJitter = TimeSpan.FromDays(1);

    public const int DefaultMisfireLimit = 10;

    public const int MaximumMisfireLimit = 100;

    public const int MaximumNameLength = 200;

    /// <summary>Validates <paramref name="definition"/> of schedule <paramref name="scheduleId"/> as saved at
    /// <paramref name="definedAt"/> (an interval without <c>startAt</c> starts one interval later; <c>at</c> must lie
    /// after it). Throws <see cref="ScheduleInvalidException"/> listing every problem.</summary>
    public static ScheduleSpec Validate(ScheduleDefinition definition, string scheduleId, DateTimeOffset definedAt)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var problems = new List<ScheduleProblem>();
        void Problem(string field, string message) => problems.Add(new ScheduleProblem(field, message));

        if (definition.Name is { Length: > MaximumNameLength })
        {
            Problem("name", $"must be at most {MaximumNameLength} characters");
        }

        var workflow = ReadWorkflow(definition, scheduleId, problems, out var taskWorkflow);
        if (definition.Version is < 1)
        {
            Problem("version", "must be 1 or more");
        }

        var zone = ReadZone(definition.TimeZone, problems);
        var kinds = new[] { ("cron", definition.Cron), ("every", definition.Every), ("at", definition.At) }
            .Where(kind => kind.Item2 is not null).Select(kind => kind.Item1).ToList();
        if (kinds.Count == 0)
        {
            Problem("cron", "one of cron, every or at is required");
        }
        else if (kinds.Count > 1)
        {
            Problem(kinds[1], $"give only one of cron, every and at (this schedule has {string.Join(" and ", kinds)})");
        }

        if (definition.StartAt is not null && definition.Every is null)
        {
            Problem("startAt", "only an interval schedule (every) has a start time");
        }

        var startAt = definition.StartAt is { } startText ? ReadTime("startAt", startText, zone, problems) : null;
        var at = definition.At is { } atText ? ReadTime("at", atText, zone, problems) : null;
        var every = ReadEvery(definition.Every, problems);
        var jitter = ReadJitter(definition.Jitter, every, problems);
        var misfire = definition.Misfire ?? MisfirePolicies.FireOnce;
        if (!MisfirePolicies.All.Contains(misfire))
        {
            Problem("misfire", $"'{misfire}' is not a misfire policy; use one of {string.Join(", ", MisfirePolicies.All)}");
        }

        if (definition.MisfireLimit is < 1 or > MaximumMisfireLimit)
        {
            Problem("misfireLimit", $"must be between 1 and {MaximumMisfireLimit}");
        }

        var overlap = definition.Overlap ?? OverlapPolicies.Skip;
        if (!OverlapPolicies.All.Contains(overlap))
        {
            Problem("overlap", $"'{overlap}' is not an overlap policy; use one of {string.Join(", ", OverlapPolicies.All)}");
        }

        ScheduleCalendar? calendar = null;
        string? kind = null;
        if (kinds.Count == 1)
        {
            // With a bad time zone the expression is still checked (in UTC), so that every problem is reported.
            (kind, calendar) = kinds[0] switch
            {
                "cron" => (ScheduleKinds.Cron, (ScheduleCalendar?)ReadCron(definition.Cron!, zone ?? TimeZoneInfo.Utc, definedAt, problems)),
                "every" => (ScheduleKinds.Interval, ReadInterval(every, startAt, definedAt)),
                _ => (ScheduleKinds.Once, ReadOnce(at, definedAt, problems)),
            };
        }

        if (problems.Count > 0 || calendar is null || zone is null || workflow is null)
        {
            throw new ScheduleInvalidException(problems);
        }

        return new ScheduleSpec
        {
            Kind = kind!,
            Calendar = calendar,
            Zone = zone,
            Workflow = workflow,
            TaskWorkflow = taskWorkflow,
            StartAt = startAt,
            At = at,
            Misfire = misfire,
            MisfireLimit = definition.MisfireLimit ?? DefaultMisfireLimit,
            Overlap = overlap,
            Jitter = jitter,
        };
    }

    private static string? ReadWorkflow(ScheduleDefinition definition, string scheduleId, List<ScheduleProblem> problems, out WorkflowDefinition? taskWorkflow)
    {
        taskWorkflow = null;
        if (definition.Task is { } task)
        {
            if (definition.Workflow is not null)
            {
                problems.Add(new ScheduleProblem("workflow", "give either a workflow or a task, not both"));
                return null;
            }

            if (string.IsNullOrWhiteSpace(task.Type))
            {
                problems.Add(new ScheduleProblem("task.type", "a node type is required"));
                return null;
            }

            if (!NodeTypes.All.Contains(task.Type))
            {
                problems.Add(new ScheduleProblem("task.type", $"'{task.Type}' is not a node type; use one of {string.Join(", ", NodeTypes.All)}"));
                return null;
            }

            var name = ScheduleTaskWorkflow.NameFor(scheduleId);
            if (!DefinitionNames.IsWorkflowName(name))
            {
                problems.Add(new ScheduleProblem("task", $"schedule id '{scheduleId}' cannot name a workflow ({DefinitionNames.WorkflowNameRule})"));
                return null;
            }

            taskWorkflow = ScheduleTaskWorkflow.Build(scheduleId, task, problems);
            return name;
        }

        if (string.IsNullOrWhiteSpace(definition.Workflow))
        {
            problems.Add(new ScheduleProblem("workflow", "a workflow (or a task) is required"));
            return null;
        }

        if (!DefinitionNames.IsWorkflowName(definition.Workflow))
        {
            problems.Add(new ScheduleProblem("workflow", $"'{definition.Workflow}' {DefinitionNames.WorkflowNameRule}"));
            return null;
        }

        return definition.Workflow;
    }

    private static TimeZoneInfo? ReadZone(string? id, List<ScheduleProblem> problems)
    {
        if (id is null || id == "UTC")
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            problems.Add(new ScheduleProblem("timeZone", $"'{id}' is not a known time zone; use an IANA id such as Europe/Berlin or America/New_York"));
            return null;
        }
    }

    /// <summary>Reads an ISO 8601 time; one without an offset is a wall-clock time in <paramref name="zone"/>.</summary>
    private static DateTimeOffset? ReadTime(string field, string text, TimeZoneInfo? zone, List<ScheduleProblem> problems)
    {
        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed))
        {
            problems.Add(new ScheduleProblem(field, $"'{text}' is not a time; use ISO 8601, e.g. 2026-03-08T09:00:00Z"));
            return null;
        }

        if (parsed.Kind != DateTimeKind.Unspecified)
        {
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
                ? instant.ToUniversalTime()
                : new DateTimeOffset(parsed.ToUniversalTime(), TimeSpan.Zero);
        }

        if (zone is null)
        {
            return null;
        }

        if (zone.IsInvalidTime(parsed))
        {
            problems.Add(new ScheduleProblem(field, $"'{text}' does not exist in {zone.Id} (the clock skips it for daylight saving time)"));
            return null;
        }

        // A repeated wall-clock time means its first occurrence.
        var offset = zone.IsAmbiguousTime(parsed) ? zone.GetAmbiguousTimeOffsets(parsed).Max() : zone.GetUtcOffset(parsed);
        return new DateTimeOffset(parsed, offset).ToUniversalTime();
    }

    private static TimeSpan? ReadEvery(string? text, List<ScheduleProblem> problems)
    {
        if (text is null)
        {
            return null;
        }

        if (!Duration.TryParse(text, out var every, out var error))
        {
            problems.Add(new ScheduleProblem("every", error));
            return null;
        }

        if (every < MinimumInterval)
        {
            problems.Add(new ScheduleProblem("every", $"must be at least {Duration.Format(MinimumInterval)}"));
            return null;
        }

        return every;
    }

    private static TimeSpan ReadJitter(string? text, TimeSpan? every, List<ScheduleProblem> problems)
    {
        if (text is null)
        {
            return TimeSpan.Zero;
        }

        if (!Duration.TryParse(text, out var jitter, out var error))
        {
            problems.Add(new ScheduleProblem("jitter", error));
        }
        else if (jitter > MaximumJitter)
        {
            problems.Add(new ScheduleProblem("jitter", $"must be at most {Duration.Format(MaximumJitter)}"));
        }
        else if (every is { } interval && jitter >= interval)
        {
            problems.Add(new ScheduleProblem("jitter", "must be shorter than the interval (every)"));
        }

        return jitter;
    }

    private static IntervalCalendar? ReadInterval(TimeSpan? every, DateTimeOffset? startAt, DateTimeOffset definedAt) =>
        every is { } interval ? new IntervalCalendar(startAt ?? definedAt + interval, interval) : null;

    private static CronCalendar? ReadCron(string expression, TimeZoneInfo zone, DateTimeOffset definedAt, List<ScheduleProblem> problems)
    {
        var schedule = CronExpressions.TryParse(expression, out var error);
        if (schedule is null)
        {
            problems.Add(new ScheduleProblem("cron", error!));
            return null;
        }

        var calendar = new CronCalendar(schedule, expression, zone);
        if (calendar.NextAfter(definedAt) is null)
        {
            problems.Add(new ScheduleProblem("cron", $"'{expression}' never fires"));
            return null;
        }

        return calendar;
    }

    private static OnceCalendar? ReadOnce(DateTimeOffset? at, DateTimeOffset definedAt, List<ScheduleProblem> problems)
    {
        if (at is not { } time)
        {
            return null;
        }

        if (time <= definedAt)
        {
            problems.Add(new ScheduleProblem("at", $"{time:O} is not in the future"));
            return null;
        }

        return new OnceCalendar(time);
    }
}
