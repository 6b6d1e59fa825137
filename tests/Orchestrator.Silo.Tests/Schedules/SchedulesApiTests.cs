using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Providers.Streams;
using Orchestrator.Providers.Hosting;
using Orchestrator.Schedules;

namespace Orchestrator.Silo.Tests.Schedules;

/// <summary><c>/api/schedules</c> and seed 004's <c>/api/scheduler/schedules</c> on an in-process silo (SQLite, real
/// clock).</summary>
public sealed class SchedulesApiTests(SiloApiFactory factory) : IClassFixture<SiloApiFactory>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly string[] TrueCommand = ["true"];

    [Fact]
    public async Task Schedule_IsCreatedReadListedUpdatedToggledPreviewedAndDeleted_ThroughItsRoutes()
    {
        using var client = factory.CreateClient();

        var (status, created) = await client.SendJsonAsync(HttpMethod.Post, "/api/schedules",
            new { name = "morning report", workflow = "report", cron = "0 6 * * *", timeZone = "Europe/Berlin", input = new { team = "ops" } });

        Assert.Equal(HttpStatusCode.Created, status);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("cron", created.GetProperty("kind").GetString());
        Assert.Equal("Europe/Berlin", created.GetProperty("timeZone").GetString());
        Assert.Equal("fireOnce", created.GetProperty("misfire").GetString());
        Assert.Equal("skip", created.GetProperty("overlap").GetString());
        Assert.True(created.GetProperty("enabled").GetBoolean());
        var nextFire = created.GetProperty("nextFireAt").GetDateTimeOffset();
        Assert.Equal(TimeSpan.Zero, nextFire.Offset);
        Assert.InRange(nextFire, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        var berlin = TimeZoneInfo.ConvertTime(nextFire, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        Assert.Equal((6, 0), (berlin.Hour, berlin.Minute));

        var read = await client.GetJsonAsync($"/api/schedules/{id}");
        Assert.Equal("morning report", read.GetProperty("name").GetString());
        Assert.Equal("ops", read.GetProperty("input").GetProperty("team").GetString());
        var listed = await client.GetJsonAsync("/api/schedules?workflow=report&enabled=true");
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), s => s.GetProperty("id").GetString() == id);

        var (updatedStatus, updated) = await client.SendJsonAsync(HttpMethod.Put, $"/api/schedules/{id}", new { workflow = "report", every = "5m" });
        Assert.Equal(HttpStatusCode.OK, updatedStatus);
        Assert.Equal("interval", updated.GetProperty("kind").GetString());
        Assert.InRange(updated.GetProperty("nextFireAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(4), DateTimeOffset.UtcNow.AddMinutes(5));

        var (_, disabled) = await client.SendJsonAsync(HttpMethod.Post, $"/api/schedules/{id}/disable");
        Assert.False(disabled.GetProperty("enabled").GetBoolean());
        Assert.False(disabled.TryGetProperty("nextFireAt", out _));
        Assert.DoesNotContain((await client.GetJsonAsync("/api/schedules?enabled=true")).GetProperty("items").EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        var (_, enabled) = await client.SendJsonAsync(HttpMethod.Post, $"/api/schedules/{id}/enable");
        Assert.True(enabled.GetProperty("enabled").GetBoolean());

        var preview = await client.GetJsonAsync($"/api/schedules/{id}/preview?count=3");
        var times = preview.EnumerateArray().Select(t => t.GetDateTimeOffset()).ToList();
        Assert.Equal(3, times.Count);
        Assert.Equal([TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5)], times.Zip(times.Skip(1), (a, b) => b - a));

        var (deleted, _) = await client.SendJsonAsync(HttpMethod.Delete, $"/api/schedules/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted);
        var (missing, problem) = await client.SendJsonAsync(HttpMethod.Get, $"/api/schedules/{id}");
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal("id", problem.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendJsonAsync(HttpMethod.Delete, $"/api/schedules/{id}")).Status);
    }

    [Theory]
    [InlineData("""{"workflow":"w","cron":"61 * * * *"}""", 422, "cron")]
    [InlineData("""{"workflow":"w","cron":"0 6 * * *","timeZone":"Nowhere/Land"}""", 422, "timeZone")]
    [InlineData("""{"workflow":"w","at":"2020-01-01T00:00:00Z"}""", 422, "at")]
    [InlineData("""{"workflow":"w","at":"tomorrow morning"}""", 422, "at")]
    [InlineData("""{"workflow":"w","every":"often"}""", 422, "every")]
    [InlineData("""{"workflow":"w","every":"5m","overlap":"queue"}""", 422, "overlap")]
    [InlineData("""{"workflow":"w","every":"5m","misfire":"later"}""", 422, "misfire")]
    [InlineData("""{"workflow":"w"}""", 422, "cron")]
    [InlineData("""{"every":"5m"}""", 422, "workflow")]
    [InlineData("""{"workflow":5,"every":"5m"}""", 400, "workflow")]
    [InlineData("""{"workflow":"w","every":"5m","enabled":"yes"}""", 400, "enabled")]
    [InlineData("""not json""", 400, null)]
    public async Task Create_AnswersAProblemNamingTheField_WhenTheScheduleIsInvalid(string body, int expected, string? field)
    {
        using var client = factory.CreateClient();

        var (status, problem) = await client.SendJsonAsync(HttpMethod.Post, "/api/schedules", body);

        Assert.Equal(expected, (int)status);
        if (field is not null)
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task Actions_Answer404_ForAScheduleThatDoesNotExist()
    {
        using var client = factory.CreateClient();

        foreach (var (method, path) in new[] { (HttpMethod.Post, "enable"), (HttpMethod.Post, "disable"), (HttpMethod.Post, "trigger"), (HttpMethod.Get, "executions"), (HttpMethod.Get, "preview") })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.SendJsonAsync(method, $"/api/schedules/no-such-schedule/{path}")).Status);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await client.SendJsonAsync(HttpMethod.Put, "/api/schedules/no-such-schedule", new { workflow = "w", every = "5m" })).Status);
    }

    [Fact]
    public async Task Trigger_StartsARun_AndTheExecutionIsListed()
    {
        using var client = factory.CreateClient();
        await client.PutWorkflowAsync("name: sched-quick\nnodes:\n  only: { type: noop }\n");
        var (_, created) = await client.SendJsonAsync(HttpMethod.Post, "/api/schedules", new { workflow = "sched-quick", every = "1h" });
        var id = created.GetProperty("id").GetString()!;

        var (status, execution) = await client.SendJsonAsync(HttpMethod.Post, $"/api/schedules/{id}/trigger");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("started", execution.GetProperty("outcome").GetString());
        Assert.True(execution.GetProperty("manual").GetBoolean());
        var runId = execution.GetProperty("runId").GetString()!;
        Assert.Equal("sched-quick", (await client.GetJsonAsync($"/api/runs/{runId}")).GetProperty("workflow").GetString());
        var executions = await client.GetJsonAsync($"/api/schedules/{id}/executions");
        var only = Assert.Single(executions.EnumerateArray());
        Assert.Equal(runId, only.GetProperty("runId").GetString());
        Assert.True(only.TryGetProperty("scheduledFor", out _));
        Assert.True(only.TryGetProperty("firedAt", out _));
        var schedule = await client.GetJsonAsync($"/api/schedules/{id}");
        Assert.Equal("started", schedule.GetProperty("lastOutcome").GetString());
        Assert.Equal(runId, schedule.GetProperty("lastRunId").GetString());
    }

    [Fact]
    public async Task IntervalSchedule_FiresRepeatedly_OnARealClock()
    {
        using var client = factory.CreateClient();
        await client.PutWorkflowAsync("name: sched-ticker\nnodes:\n  only: { type: noop }\n");
        var started = new ExecutionCounter();
        var stream = TopicProviders.Get(factory.Services, TopicProviderNames.Memory)
            .GetTopic<ScheduleExecutionEvent>(StreamId.Create(IScheduleGrain.StreamNamespace, IScheduleGrain.AllSchedulesStreamKey));
        await using var subscription = await stream.SubscribeAsync(started);

        var (_, created) = await client.SendJsonAsync(HttpMethod.Post, "/api/schedules", new { workflow = "sched-ticker", every = "300ms", overlap = "allow" });
        var id = created.GetProperty("id").GetString()!;
        started.Watch(id);
        await started.ThreeStarted.Task.WaitAsync(Bound);
        await client.SendJsonAsync(HttpMethod.Post, $"/api/schedules/{id}/disable");

        var executions = (await client.GetJsonAsync($"/api/schedules/{id}/executions")).EnumerateArray().ToList();
        var runIds = executions.Where(e => e.GetProperty("outcome").GetString() == "started").Select(e => e.GetProperty("runId").GetString()).ToList();
        Assert.True(runIds.Count >= 3, string.Join(", ", executions));
        Assert.Equal(runIds.Count, runIds.Distinct().Count());
        var scheduledFor = executions.Select(e => e.GetProperty("scheduledFor").GetDateTimeOffset()).Order().ToList();
        Assert.All(scheduledFor.Zip(scheduledFor.Skip(1), (a, b) => b - a), gap => Assert.Equal(0, gap.Ticks % TimeSpan.FromMilliseconds(300).Ticks));
        var runs = await client.GetJsonAsync("/api/runs?workflow=sched-ticker");
        Assert.True(runs.GetProperty("items").GetArrayLength() >= 3);
    }

    [Fact]
    public async Task SeedRoutes_CreateReadListUpdateAndDeleteASchedule_InTheSeedFieldNames()
    {
        using var client = factory.CreateClient();

        var (status, created) = await client.SendJsonAsync(HttpMethod.Post, "/api/scheduler/schedules", new
        {
            name = "cleanup",
            taskType = "shell",
            taskConfig = new { command = TrueCommand, timeout = "30s" },
            scheduleType = "interval",
            scheduleConfig = new { every = "1h" },
        });

        Assert.Equal(HttpStatusCode.Created, status);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("shell", created.GetProperty("taskType").GetString());
        Assert.Equal("true", created.GetProperty("taskConfig").GetProperty("command")[0].GetString());
        Assert.Equal("interval", created.GetProperty("scheduleType").GetString());
        Assert.Equal("1h", created.GetProperty("scheduleConfig").GetProperty("every").GetString());
        Assert.InRange(created.GetProperty("nextRunAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(59), DateTimeOffset.UtcNow.AddHours(1));

        // The same grain behind the resource API: the task became a one-node workflow of its own.
        var resource = await client.GetJsonAsync($"/api/schedules/{id}");
        Assert.Equal($"schedule.{id}", resource.GetProperty("workflow").GetString());
        var workflow = await client.GetJsonAsync($"/api/workflows/schedule.{id}");
        Assert.Equal("shell", workflow.GetProperty("definition").GetProperty("nodes").GetProperty("task").GetProperty("type").GetString());

        var list = await client.GetJsonAsync("/api/scheduler/schedules");
        Assert.Contains(list.GetProperty("schedules").EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        Assert.Equal(list.GetProperty("schedules").GetArrayLength(), list.GetProperty("count").GetInt32());

        var (updatedStatus, updated) = await client.SendJsonAsync(HttpMethod.Put, $"/api/scheduler/schedules/{id}", new
        {
            name = "cleanup",
            taskType = "shell",
            taskConfig = new { command = TrueCommand },
            scheduleType = "cron",
            scheduleConfig = new { expression = "*/5 * * * *", timeZone = "America/New_York" },
        });
        Assert.Equal(HttpStatusCode.OK, updatedStatus);
        Assert.Equal("cron", updated.GetProperty("scheduleType").GetString());
        Assert.Equal("*/5 * * * *", updated.GetProperty("scheduleConfig").GetProperty("expression").GetString());
        Assert.Equal("America/New_York", updated.GetProperty("scheduleConfig").GetProperty("timeZone").GetString());
        Assert.Equal(0, updated.GetProperty("nextRunAt").GetDateTimeOffset().Minute % 5);

        Assert.Equal(HttpStatusCode.NoContent, (await client.SendJsonAsync(HttpMethod.Delete, $"/api/scheduler/schedules/{id}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendJsonAsync(HttpMethod.Get, $"/api/scheduler/schedules/{id}")).Status);
    }

    [Fact]
    public async Task SeedRoutes_MapAConductorTaskToAnAgentNode()
    {
        using var client = factory.CreateClient();

        var (status, created) = await client.SendJsonAsync(HttpMethod.Post, "/api/scheduler/schedules", new
        {
            name = "nightly review",
            taskType = "conductor",
            taskConfig = new { url = "http://127.0.0.1:3001", message = "review the open pull requests", threadId = "reviews", timeout = 300 },
            scheduleType = "interval",
            scheduleConfig = new { every = "1h" },
        });

        Assert.Equal(HttpStatusCode.Created, status);
        var id = created.GetProperty("id").GetString()!;
        var node = (await client.GetJsonAsync($"/api/workflows/schedule.{id}")).GetProperty("definition").GetProperty("nodes").GetProperty("task");
        Assert.Equal("agent", node.GetProperty("type").GetString());
        Assert.Equal("http://127.0.0.1:3001", node.GetProperty("url").GetString());
        Assert.Equal("review the open pull requests", node.GetProperty("message").GetString());
        Assert.Equal("reviews", node.GetProperty("thread").GetString());
        Assert.Equal("300s", node.GetProperty("timeout").GetString());

        var (refused, problem) = await client.SendJsonAsync(HttpMethod.Post, "/api/scheduler/schedules", new
        {
            name = "no message",
            taskType = "conductor",
            taskConfig = new { threadId = "reviews" },
            scheduleType = "interval",
            scheduleConfig = new { every = "1h" },
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused);
        Assert.Contains("taskConfig.message", problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeedRoutes_RunAStoredWorkflow_WhenTheTaskTypeIsWorkflow()
    {
        using var client = factory.CreateClient();
        await client.PutWorkflowAsync("name: sched-seed-wf\nnodes:\n  only: { type: noop }\n");

        var (status, created) = await client.SendJsonAsync(HttpMethod.Post, "/api/scheduler/schedules", new
        {
            name = "daily",
            taskType = "workflow",
            taskConfig = new { workflow = "sched-seed-wf", input = new { day = 1 } },
            scheduleType = "once",
            scheduleConfig = new { at = DateTimeOffset.UtcNow.AddDays(1).ToString("O") },
        });

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("workflow", created.GetProperty("taskType").GetString());
        Assert.Equal("sched-seed-wf", created.GetProperty("taskConfig").GetProperty("workflow").GetString());
        Assert.Equal(1, created.GetProperty("taskConfig").GetProperty("input").GetProperty("day").GetInt32());
        Assert.Equal("once", created.GetProperty("scheduleType").GetString());
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("sched-seed-wf", (await client.GetJsonAsync($"/api/schedules/{id}")).GetProperty("workflow").GetString());
    }

    [Theory]
    [InlineData("""{"taskType":"shell","taskConfig":{"command":["true"]},"scheduleType":"cron","scheduleConfig":{"expression":"every day"}}""", "scheduleConfig.expression")]
    [InlineData("""{"taskType":"shell","taskConfig":{"command":["true"]},"scheduleType":"cron","scheduleConfig":{"expression":"0 6 * * *","timeZone":"Atlantis/Capital"}}""", "scheduleConfig.timeZone")]
    [InlineData("""{"taskType":"shell","taskConfig":{"command":["true"]},"scheduleType":"once","scheduleConfig":{"at":"2001-01-01T00:00:00Z"}}""", "scheduleConfig.at")]
    [InlineData("""{"taskType":"shell","taskConfig":{"command":["true"]},"scheduleType":"weekly","scheduleConfig":{}}""", "scheduleType")]
    [InlineData("""{"taskType":"shell","taskConfig":{"command":["true"]},"scheduleConfig":{"every":"5m"}}""", "scheduleType")]
    [InlineData("""{"taskType":"teleport","taskConfig":{},"scheduleType":"interval","scheduleConfig":{"every":"5m"}}""", "taskType")]
    [InlineData("""{"taskType":"http","taskConfig":{"method":"GET"},"scheduleType":"interval","scheduleConfig":{"every":"5m"}}""", "taskConfig.url")]
    [InlineData("""{"taskType":"shell","taskConfig":{"command":["true"]},"scheduleType":"interval","scheduleConfig":{}}""", "scheduleConfig.every")]
    public async Task SeedCreate_Answers422NamingTheSeedField_WhenTheScheduleIsInvalid(string body, string field)
    {
        using var client = factory.CreateClient();

        var (status, problem) = await client.SendJsonAsync(HttpMethod.Post, "/api/scheduler/schedules", body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == field);
    }

    [Fact]
    public async Task Health_ReportsEveryStartStep_IncludingRunsAndSchedules()
    {
        using var client = factory.CreateClient();

        var health = await client.GetJsonAsync("/api/health");

        Assert.Equal("healthy", health.GetProperty("status").GetString());
        var components = health.GetProperty("components");
        foreach (var component in new[] { "storage", "reminders", "streams", "runs", "schedules" })
        {
            Assert.Equal("ready", components.GetProperty(component).GetString());
        }

        Assert.Equal(SiloPhase.Running, factory.Services.GetRequiredService<SiloLifecycle>().Status);
    }

    /// <summary>Counts the started executions of one schedule from the execution stream.</summary>
    private sealed class ExecutionCounter : ITopicObserver<ScheduleExecutionEvent>
    {
        private readonly List<ScheduleExecutionEvent> _early = [];
        private string? _scheduleId;
        private int _started;

        public TaskCompletionSource ThreeStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Watch(string scheduleId)
        {
            lock (_early)
            {
                _scheduleId = scheduleId;
                foreach (var item in _early)
                {
                    Count(item);
                }
            }
        }

        public Task OnNextAsync(ScheduleExecutionEvent item, TopicPosition token)
        {
            lock (_early)
            {
                if (_scheduleId is null)
                {
                    _early.Add(item);
                }
                else
                {
                    Count(item);
                }
            }

            return Task.CompletedTask;
        }

        private void Count(ScheduleExecutionEvent item)
        {
            if (item.ScheduleId == _scheduleId && item.Execution.Outcome == ScheduleOutcome.Started && ++_started >= 3)
            {
                ThreeStarted.TrySetResult();
            }
        }
    }
}
