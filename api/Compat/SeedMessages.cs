using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Api.Streams;
using Orchestrator.Errors;
using Orchestrator.Runs;

namespace Orchestrator.Api.Compat;

/// <summary>Our run events and error records in the message shapes the seed documents show: seed 002's graph-run
/// stream (snake_case), seed 000's task results, seed 004's notifications (camelCase, like its frontend). Every
/// mapping lives here, so the shapes are decided in one place.</summary>
internal static class SeedMessages
{
    /// <summary>Seed 002 message types that make up an <c>execution_log</c>.</summary>
    private static readonly HashSet<string> ExecutionLogTypes = ["node_start", "node_complete", "transition", "system"];

    /// <summary>An error: what went wrong (<c>error</c>) and what failed (<c>message</c>), as seed 002 shows it (every
    /// socket sends errors in this shape).</summary>
    public static JsonObject Error(string error, string message) => SocketMessages.Error(error, message);

    // Seed 002: WS /ws/graph/run/{graph_id}

    public static JsonObject GraphConnected(string graphId) =>
        new() { ["type"] = "connected", ["message"] = "WebSocket connection established", ["graph_id"] = graphId };

    /// <summary>The seed 002 message for <paramref name="runEvent"/>, or null when the seed has none for it. The end of
    /// a run maps to <see cref="GraphComplete"/> or <see cref="GraphFailed"/>, which need more than the event.</summary>
    public static JsonObject? GraphEvent(RunEvent runEvent)
    {
        ArgumentNullException.ThrowIfNull(runEvent);
        var data = runEvent.Data as JsonObject;
        return runEvent.Type switch
        {
            RunEventTypes.RunStarted => GraphStatus(runEvent, "started"),
            RunEventTypes.RunPaused => GraphStatus(runEvent, "paused"),
            RunEventTypes.RunResumed => GraphStatus(runEvent, "resumed"),
            RunEventTypes.RunRecovered => GraphStatus(runEvent, "recovered"),
            RunEventTypes.NodeStarted when data?["itemIndex"] is null => new JsonObject
            {
                ["type"] = "node_start",
                ["node"] = runEvent.Node,
                ["iteration"] = runEvent.Iteration,
                ["timestamp"] = JsonValue.Create(runEvent.Timestamp),
            },
            RunEventTypes.NodeCompleted when data?["itemIndex"] is null => new JsonObject
            {
                ["type"] = "node_complete",
                ["node"] = runEvent.Node,
                ["state_update"] = data?["stateUpdate"]?.DeepClone() ?? new JsonObject(),
                ["timestamp"] = JsonValue.Create(runEvent.Timestamp),
            },
            RunEventTypes.Transition => new JsonObject
            {
                ["type"] = "transition",
                ["from"] = data?["from"]?.DeepClone(),
                ["to"] = data?["to"]?.DeepClone(),
                ["timestamp"] = JsonValue.Create(runEvent.Timestamp),
            },
            RunEventTypes.System => new JsonObject
            {
                ["type"] = "system",
                ["message"] = data?["message"]?.DeepClone(),
                ["timestamp"] = JsonValue.Create(runEvent.Timestamp),
            },
            _ => null,
        };
    }

    private static JsonObject GraphStatus(RunEvent runEvent, string status) => new()
    {
        ["type"] = "status",
        ["run_id"] = runEvent.RunId,
        ["status"] = status,
        ["timestamp"] = JsonValue.Create(runEvent.Timestamp),
    };

    public static JsonObject GraphComplete(string runId, JsonNode? finalState, JsonArray executionLog) => new()
    {
        ["type"] = "complete",
        ["run_id"] = runId,
        ["final_state"] = finalState?.DeepClone() ?? new JsonObject(),
        ["execution_log"] = executionLog,
    };

    /// <summary>A run that failed or was cancelled, as seed 002's error event.</summary>
    public static JsonObject GraphFailed(RunEvent runEvent)
    {
        ArgumentNullException.ThrowIfNull(runEvent);
        var cancelled = runEvent.Type == RunEventTypes.RunCancelled;
        var error = Error(
            runEvent.Data?["error"]?.GetValue<string>() ?? (cancelled ? "cancelled" : "failed"),
            cancelled ? "Workflow execution cancelled" : "Workflow execution failed");
        error["run_id"] = runEvent.RunId;
        return error;
    }

    /// <summary>Whether a seed 002 message belongs in an <c>execution_log</c>.</summary>
    public static bool IsExecutionLogEntry(JsonObject message) =>
        message["type"]?.GetValue<string>() is { } type && ExecutionLogTypes.Contains(type);

    // Seed 000: WS /ws/results/{run_id}

    /// <summary>The seed 000 message for <paramref name="runEvent"/> (<c>task_started</c>, <c>task_completed</c>, and
    /// <c>task_failed</c> for what the seed calls <c>TASK_EXCEPTION</c>), or null.</summary>
    public static JsonObject? TaskEvent(RunEvent runEvent)
    {
        ArgumentNullException.ThrowIfNull(runEvent);
        var data = runEvent.Data as JsonObject;
        var taskId = data?["itemIndex"] is { } index ? $"{runEvent.Node}[{index.ToJsonString()}]" : runEvent.Node;
        return runEvent.Type switch
        {
            RunEventTypes.NodeStarted => new JsonObject { ["type"] = "task_started", ["task_id"] = taskId },
            RunEventTypes.NodeCompleted => new JsonObject
            {
                ["type"] = "task_completed",
                ["task_id"] = taskId,
                ["result"] = data?["output"]?.DeepClone(),
            },
            RunEventTypes.NodeFailed => new JsonObject
            {
                ["type"] = "task_failed",
                ["task_id"] = taskId,
                ["error"] = data?["error"]?.DeepClone(),
            },
            _ => null,
        };
    }

    /// <summary>The final seed 000 message: <c>workflow_completed</c> with every task's result, or
    /// <c>workflow_failed</c> when the run failed or was cancelled.</summary>
    public static JsonObject WorkflowFinished(RunSnapshot run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var results = new JsonArray();
        foreach (var (name, node) in run.Nodes)
        {
            results.Add(new JsonObject
            {
                ["task_id"] = name,
                ["status"] = Name(node.Status),
                ["result"] = node.Output?.DeepClone(),
            });
        }

        var status = Name(run.Status);
        var message = new JsonObject
        {
            ["type"] = run.Status == RunStatus.Completed ? "workflow_completed" : "workflow_failed",
            ["run_id"] = run.RunId,
            ["status"] = status,
            ["results"] = results,
        };
        if (run.Error is not null)
        {
            message["error"] = run.Error;
        }

        return message;
    }

    // Seed 004: WS /ws

    public static JsonObject Connected(string sessionId, DateTimeOffset now) => new()
    {
        ["type"] = "connected",
        ["sessionId"] = sessionId,
        ["message"] = "WebSocket connection established",
        ["timestamp"] = JsonValue.Create(now),
    };

    /// <summary>The seed 004 message for a run's start or end (<c>execution_started</c>, <c>execution_completed</c>,
    /// <c>execution_failed</c>, <c>execution_cancelled</c>), or null for the run's other events.</summary>
    public static JsonObject? Execution(RunEvent runEvent, string? workflow)
    {
        ArgumentNullException.ThrowIfNull(runEvent);
        var (type, status) = runEvent.Type switch
        {
            RunEventTypes.RunStarted => ("execution_started", "running"),
            RunEventTypes.RunCompleted => ("execution_completed", "completed"),
            RunEventTypes.RunFailed => ("execution_failed", "failed"),
            RunEventTypes.RunCancelled => ("execution_cancelled", "cancelled"),
            _ => (null, null),
        };
        if (type is null)
        {
            return null;
        }

        var message = new JsonObject
        {
            ["type"] = type,
            ["runId"] = runEvent.RunId,
            ["workflow"] = workflow,
            ["status"] = status,
            ["timestamp"] = JsonValue.Create(runEvent.Timestamp),
        };
        if (runEvent.Type == RunEventTypes.RunCompleted)
        {
            message["result"] = runEvent.Data?["state"]?.DeepClone();
        }
        else if (runEvent.Data?["error"] is { } error)
        {
            message["error"] = error.DeepClone();
        }

        return message;
    }

    /// <summary>Seed 004's <c>error_recorded</c> for a new error record, <c>error_updated</c> for any later change
    /// (retry scheduled, retrying, resolved, ignored, escalated).</summary>
    public static JsonObject ErrorRecord(ErrorRecordSnapshot record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var created = record.RecoveryAttempts == 0 && record.History.All(a => a.Action is "created" or "retry_scheduled");
        return new JsonObject
        {
            ["type"] = created ? "error_recorded" : "error_updated",
            ["errorId"] = record.Id,
            ["runId"] = record.RunId,
            ["workflow"] = record.Workflow,
            ["node"] = record.Node,
            ["error"] = record.Error,
            ["recoveryStatus"] = Name(record.RecoveryStatus),
            ["recoveryAttempts"] = record.RecoveryAttempts,
            ["timestamp"] = JsonValue.Create(record.UpdatedAt),
        };
    }

    /// <summary>A status as the API writes it (<c>running</c>, <c>retry_scheduled</c>, …): the enum's JSON name.</summary>
    public static string Name<TStatus>(TStatus status)
        where TStatus : struct, Enum => JsonSerializer.Serialize(status).Trim('"');
}
