using System.Text.Json.Nodes;
using Orchestrator.Definitions;

namespace Orchestrator.Schedules;

/// <summary>The one-node workflow a task schedule (seed 004's <c>taskType</c> and <c>taskConfig</c>) runs.</summary>
internal static class ScheduleTaskWorkflow
{
    /// <summary>The node's name in the workflow.</summary>
    public const string NodeName = "task";

    /// <summary>The workflow's name: <c>schedule.&lt;id&gt;</c>.</summary>
    public static string NameFor(string scheduleId) => $"schedule.{scheduleId}";

    /// <summary>Builds and validates the workflow; problems are named by the task's fields (<c>task.config.url</c>).</summary>
    public static WorkflowDefinition? Build(string scheduleId, ScheduleTask task, List<ScheduleProblem> problems)
    {
        var node = new JsonObject();
        foreach (var (key, value) in task.Config ?? [])
        {
            if (key != "type")
            {
                node[key] = value?.DeepClone();
            }
        }

        node["type"] = task.Type;
        var document = new JsonObject
        {
            ["name"] = NameFor(scheduleId),
            ["description"] = $"The task of schedule {scheduleId}.",
            ["nodes"] = new JsonObject { [NodeName] = node },
        };
        var loaded = DefinitionLoader.Load(document.ToJsonString(), DefinitionFormat.Json);
        foreach (var problem in loaded.Problems)
        {
            problems.Add(new ScheduleProblem(FieldOf(problem.Path), problem.Message));
        }

        return loaded.IsValid ? loaded.Definition : null;
    }

    private static string FieldOf(string path)
    {
        var prefix = $"nodes.{NodeName}";
        if (path == $"{prefix}.type")
        {
            return "task.type";
        }

        if (path.StartsWith(prefix + ".", StringComparison.Ordinal))
        {
            return "task.config." + path[(prefix.Length + 1)..];
        }

        return path == prefix || path.Length == 0 || path == "name" ? "task" : "task." + path;
    }
}
