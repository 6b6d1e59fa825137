using System.Text.Json.Nodes;
using Orchestrator.Schedules;

namespace Orchestrator.Grains.Tests.Schedules;

public sealed class ScheduleValidatorTests
{
    private static readonly DateTimeOffset Now = ScheduleCalendarTests.At("2026-03-01T00:00:00Z");

    public static TheoryData<string, ScheduleDefinition> InvalidDefinitions => new()
    {
        { "cron", new ScheduleDefinition { Workflow = "w", Cron = "61 * * * *" } },
        { "cron", new ScheduleDefinition { Workflow = "w", Cron = "* * *" } },
        { "cron", new ScheduleDefinition { Workflow = "w", Cron = "0 0 30 2 *" } },
        { "cron", new ScheduleDefinition { Workflow = "w" } },
        { "every", new ScheduleDefinition { Workflow = "w", Cron = "* * * * *", Every = "5m" } },
        { "timeZone", new ScheduleDefinition { Workflow = "w", Cron = "* * * * *", TimeZone = "Mars/Olympus_Mons" } },
        { "at", new ScheduleDefinition { Workflow = "w", At = "next tuesday" } },
        { "at", new ScheduleDefinition { Workflow = "w", At = "2026-02-01T00:00:00Z" } },
        { "at", new ScheduleDefinition { Workflow = "w", At = "2026-03-08T02:30:00", TimeZone = "America/New_York" } },
        { "every", new ScheduleDefinition { Workflow = "w", Every = "soon" } },
        { "every", new ScheduleDefinition { Workflow = "w", Every = "50ms" } },
        { "startAt", new ScheduleDefinition { Workflow = "w", Every = "5m", StartAt = "yesterday-ish" } },
        { "startAt", new ScheduleDefinition { Workflow = "w", Cron = "* * * * *", StartAt = "2026-03-02T00:00:00Z" } },
        { "misfire", new ScheduleDefinition { Workflow = "w", Every = "5m", Misfire = "sometimes" } },
        { "misfireLimit", new ScheduleDefinition { Workflow = "w", Every = "5m", Misfire = "fireAll", MisfireLimit = 0 } },
        { "overlap", new ScheduleDefinition { Workflow = "w", Every = "5m", Overlap = "queue" } },
        { "jitter", new ScheduleDefinition { Workflow = "w", Every = "5m", Jitter = "10m" } },
        { "jitter", new ScheduleDefinition { Workflow = "w", Every = "5m", Jitter = "a bit" } },
        { "workflow", new ScheduleDefinition { Every = "5m" } },
        { "workflow", new ScheduleDefinition { Workflow = "Not A Name", Every = "5m" } },
        { "version", new ScheduleDefinition { Workflow = "w", Version = 0, Every = "5m" } },
        { "task.type", new ScheduleDefinition { Every = "5m", Task = new ScheduleTask("teleport", null) } },
        { "task.config.command", new ScheduleDefinition { Every = "5m", Task = new ScheduleTask("shell", new JsonObject { ["command"] = "rm -rf /" }) } },
    };

    [Theory]
    [MemberData(nameof(InvalidDefinitions))]
    public void Validate_NamesTheField_WhenADefinitionIsInvalid(string field, ScheduleDefinition definition)
    {
        var error = Assert.Throws<ScheduleInvalidException>(() => ScheduleValidator.Validate(definition, "s1", Now));

        Assert.Contains(error.Problems, p => p.Field == field);
    }

    [Fact]
    public void Validate_ListsEveryProblem_WhenSeveralFieldsAreInvalid()
    {
        var definition = new ScheduleDefinition { Workflow = "w", Cron = "nope", TimeZone = "Nowhere/Land", Overlap = "queue", Misfire = "later" };

        var error = Assert.Throws<ScheduleInvalidException>(() => ScheduleValidator.Validate(definition, "s1", Now));

        Assert.Equal(["cron", "misfire", "overlap", "timeZone"], error.Problems.Select(p => p.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Validate_ReadsALocalTime_InTheScheduleTimeZone()
    {
        var spec = ScheduleValidator.Validate(
            new ScheduleDefinition { Workflow = "w", At = "2026-03-10T09:00:00", TimeZone = "America/New_York" }, "s1", Now);

        Assert.Equal(ScheduleKinds.Once, spec.Kind);
        Assert.Equal(ScheduleCalendarTests.At("2026-03-10T13:00:00Z"), spec.At);
    }

    [Fact]
    public void Validate_AppliesTheDefaults_WhenPoliciesAreAbsent()
    {
        var spec = ScheduleValidator.Validate(new ScheduleDefinition { Workflow = "w", Cron = "0 * * * *" }, "s1", Now);

        Assert.Equal(MisfirePolicies.FireOnce, spec.Misfire);
        Assert.Equal(OverlapPolicies.Skip, spec.Overlap);
        Assert.Equal(TimeZoneInfo.Utc, spec.Zone);
        Assert.Equal(TimeSpan.Zero, spec.Jitter);
    }

    [Fact]
    public void Validate_BuildsAOneNodeWorkflow_WhenTheScheduleHasATask()
    {
        var task = new ScheduleTask("shell", new JsonObject { ["command"] = new JsonArray("echo", "hi"), ["timeout"] = "10s" });

        var spec = ScheduleValidator.Validate(new ScheduleDefinition { Every = "5m", Task = task }, "s1", Now);

        Assert.Equal("schedule.s1", spec.Workflow);
        var node = Assert.Single(spec.TaskWorkflow!.Nodes);
        Assert.Equal("task", node.Key);
        Assert.Equal("shell", node.Value.Type);
        Assert.Equal("10s", node.Value.Timeout);
    }
}
