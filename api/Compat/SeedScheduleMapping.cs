using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Schedules;

namespace Orchestrator.Api.Compat;

/// <summary>Maps seed 004's schedule fields onto a <see cref="ScheduleDefinition"/> and back: <c>taskType</c> +
/// <c>taskConfig</c> is the task (or, for <c>workflow</c>, the workflow to run), <c>scheduleType</c> +
/// <c>scheduleConfig</c> is the cron expression, interval or time.</summary>
internal static class SeedScheduleMapping
{
    /// <summary>The <c>taskType</c> that runs a stored workflow rather than a one-node task.</summary>
    public const string WorkflowTaskType = NodeTypes.Workflow;

    /// <summary>Seed 004's conductor task: an <c>agent</c> node.</summary>
    public const string ConductorTaskType = "conductor";

    public static ScheduleDefinition ToDefinition(SeedScheduleRequest request, List<ScheduleProblem> problems)
    {
        var config = request.ScheduleConfig;
        var definition = new ScheduleDefinition
        {
            Name = request.Name,
            Enabled = request.Enabled,
            Misfire = request.Misfire,
            MisfireLimit = request.MisfireLimit,
            Overlap = request.Overlap,
            Jitter = request.Jitter,
            TimeZone = config?.TimeZone,
        };
        switch (request.ScheduleType)
        {
            case null:
                problems.Add(new ScheduleProblem("scheduleType", "a schedule type (cron, interval or once) is required"));
                break;
            case ScheduleKinds.Cron:
                definition = definition with { Cron = Require(config?.Expression, "scheduleConfig.expression", problems) };
                break;
            case ScheduleKinds.Interval:
                definition = definition with { Every = ReadEvery(config?.Every, problems), StartAt = config?.StartAt };
                break;
            case ScheduleKinds.Once:
                definition = definition with { At = Require(config?.At, "scheduleConfig.at", problems) };
                break;
            default:
                problems.Add(new ScheduleProblem("scheduleType", $"'{request.ScheduleType}' is not a schedule type; use cron, interval or once"));
                break;
        }

        if (string.IsNullOrWhiteSpace(request.TaskType))
        {
            problems.Add(new ScheduleProblem("taskType", "a task type (a node type such as shell or http, or workflow) is required"));
            return definition;
        }

        if (request.TaskType == ConductorTaskType)
        {
            return definition with { Task = new ScheduleTask(NodeTypes.Agent, ConductorConfig(request.TaskConfig)) };
        }

        if (request.TaskType != WorkflowTaskType)
        {
            return definition with { Task = new ScheduleTask(request.TaskType, request.TaskConfig) };
        }

        var taskConfig = request.TaskConfig ?? [];
        return definition with
        {
            Workflow = ReadString(taskConfig, "workflow", problems),
            Version = ReadVersion(taskConfig, problems),
            Input = taskConfig["input"]?.DeepClone(),
        };
    }

    /// <summary>A grain problem's field under the seed's names.</summary>
    public static string FieldName(string field) => field switch
    {
        "cron" => "scheduleConfig.expression",
        "every" or "startAt" or "at" or "timeZone" => $"scheduleConfig.{field}",
        "workflow" or "version" or "input" => $"taskConfig.{field}",
        "task.type" => "taskType",
        "task" => "taskConfig",
        _ when field.StartsWith("task.config.", StringComparison.Ordinal) => "taskConfig." + field["task.config.".Length..],
        _ => field,
    };

    public static SeedScheduleResponse ToResponse(ScheduleSnapshot schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var (taskType, taskConfig) = schedule.Task is { } task
            ? (task.Type, task.Config?.DeepClone().AsObject() ?? [])
            : (WorkflowTaskType, WorkflowConfig(schedule));
        var scheduleConfig = schedule.Kind switch
        {
            ScheduleKinds.Cron => new JsonObject { ["expression"] = schedule.Cron },
            ScheduleKinds.Interval => new JsonObject { ["every"] = schedule.Every },
            _ => new JsonObject { ["at"] = schedule.At },
        };
        if (schedule.StartAt is { } startAt)
        {
            scheduleConfig["startAt"] = startAt;
        }

        scheduleConfig["timeZone"] = schedule.TimeZone;
        return new SeedScheduleResponse(
            schedule.Id,
            schedule.Name,
            taskType,
            taskConfig,
            schedule.Kind,
            scheduleConfig,
            schedule.Enabled,
            schedule.NextFireAt,
            schedule.LastFireAt,
            schedule.LastOutcome,
            schedule.LastRunId,
            schedule.Misfire,
            schedule.Overlap,
            schedule.Jitter,
            schedule.CreatedAt,
            schedule.UpdatedAt);
    }

    /// <summary>A conductor task's <c>taskConfig</c> as an <c>agent</c> node's settings: <c>url</c> (absent: the silo's
    /// <c>--agent-url</c>) and <c>message</c> as they are, <c>threadId</c> as <c>thread</c>, a <c>timeout</c> in seconds
    /// (the seed's unit) as a duration; anything else is passed on, and validation names it.</summary>
    private static JsonObject ConductorConfig(JsonObject? taskConfig)
    {
        var config = new JsonObject();
        foreach (var (key, value) in taskConfig ?? [])
        {
            switch (key)
            {
                case "threadId":
                    config["thread"] = value?.DeepClone();
                    break;
                case "timeout" when value?.GetValueKind() == JsonValueKind.Number && value.AsValue().TryGetValue<double>(out var seconds) && seconds > 0:
                    config["timeout"] = string.Create(CultureInfo.InvariantCulture, $"{(long)Math.Ceiling(seconds)}s");
                    break;
                default:
                    config[key] = value?.DeepClone();
                    break;
            }
        }

        return config;
    }

    private static JsonObject WorkflowConfig(ScheduleSnapshot schedule)
    {
        var config = new JsonObject { ["workflow"] = schedule.Workflow };
        if (schedule.Version is { } version)
        {
            config["version"] = version;
        }

        if (schedule.Input is { } input)
        {
            config["input"] = input.DeepClone();
        }

        return config;
    }

    private static string? Require(string? value, string field, List<ScheduleProblem> problems)
    {
        if (value is null)
        {
            problems.Add(new ScheduleProblem(field, "is required"));
        }

        return value;
    }

    private static string? ReadEvery(JsonNode? every, List<ScheduleProblem> problems)
    {
        switch (every?.GetValueKind())
        {
            case null:
                problems.Add(new ScheduleProblem("scheduleConfig.every", "is required"));
                return null;
            case JsonValueKind.String:
                return every.GetValue<string>();
            case JsonValueKind.Number when every.AsValue().TryGetValue<long>(out var milliseconds) && milliseconds > 0:
                return string.Create(CultureInfo.InvariantCulture, $"{milliseconds}ms");
            default:
                problems.Add(new ScheduleProblem("scheduleConfig.every", "must be a duration (30s, 5m, 1h) or a positive number of milliseconds"));
                return null;
        }
    }

    private static string? ReadString(JsonObject config, string name, List<ScheduleProblem> problems)
    {
        var node = config[name];
        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            problems.Add(new ScheduleProblem(name, "must be a string"));
            return null;
        }

        return node.GetValue<string>();
    }

    private static int? ReadVersion(JsonObject config, List<ScheduleProblem> problems)
    {
        var node = config["version"];
        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<int>(out var version))
        {
            return version;
        }

        problems.Add(new ScheduleProblem("version", "must be a whole number"));
        return null;
    }
}
