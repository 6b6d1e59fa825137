using System.Text.Json.Nodes;

namespace Orchestrator.Runs.Engine;

/// <summary>The core's side of <c>worker</c> nodes: an attempt hands off to a task on a task queue, as a <c>workflow</c>
/// node's hands off to a sub-run. While its task waits the node holds no slot of the parallel-attempt budget; the task's
/// end comes back as the attempt's result (<see cref="NodeAttemptResult.TaskFinished"/>); a restart leaves the node
/// waiting (and asks the queue whether it still holds the task); the run's end cancels the task.</summary>
internal static class WorkerTasks
{
    /// <summary>Applies the report that an attempt queued its task: the node waits for it. Null when
    /// <paramref name="result"/> is not such a report; false when it was applied already.</summary>
    public static bool? RecordQueued(RunTurn turn, NodeRunState node, NodeAttemptResult result)
    {
        if (!result.Succeeded || result.AwaitingTask is not { } taskId || result.TaskFinished)
        {
            return null;
        }

        if ((result.ItemIndex is { } known ? node.Items![known].TaskId : node.TaskId) == taskId)
        {
            return false;
        }

        if (result.ItemIndex is { } index)
        {
            node.Items![index].TaskId = taskId;
        }
        else
        {
            node.TaskId = taskId;
        }

        turn.Touch(result.Node);
        turn.Emit(RunEventTypes.System, result.Node, result.Iteration, result.Attempt, new JsonObject
        {
            ["message"] = $"task {taskId} queued",
            ["taskId"] = taskId,
            ["itemIndex"] = result.ItemIndex,
        });
        return true;
    }

    /// <summary>Keeps what a worker reported with a heartbeat on the node, when it concerns the task the attempt waits for.</summary>
    public static void Progressed(RunTurn turn, Tasks.WorkerTaskProgress progress)
    {
        if (!turn.Run.Nodes.TryGetValue(progress.Node, out var node) || node.Iteration != progress.Iteration || node.Status != NodeStatus.Running)
        {
            return;
        }

        var taskId = progress.ItemIndex is { } index
            ? node.Items is { } items && index >= 0 && index < items.Count && items[index].Attempts == progress.Attempt ? items[index].TaskId : null
            : node.Attempts == progress.Attempt ? node.TaskId : null;
        if (taskId != progress.TaskId)
        {
            return;
        }

        node.TaskProgress = progress;
        turn.Touch(progress.Node);
    }

    /// <summary>True while a node or element of <paramref name="run"/> waits for a worker task.</summary>
    public static bool Waits(RunState run) =>
        run.Nodes.Values.Any(node => node.Status == NodeStatus.Running && (node.TaskId is not null || ElementWaits(node)));

    /// <summary>Only elements that started and have not completed can wait for a task.</summary>
    private static bool ElementWaits(NodeRunState node)
    {
        foreach (var item in node.ActiveItems())
        {
            if (item.Status == NodeStatus.Running && item.TaskId is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>After a restart: true when the running attempt waits for worker task <paramref name="taskId"/>, which it
    /// goes on doing; the queue is asked whether it still holds the task.</summary>
    public static bool GoesOnWaiting(RunTurn turn, string name, NodeRunState node, int? itemIndex, string? taskId, int attempt)
    {
        if (taskId is null)
        {
            return false;
        }

        turn.Effect(new RunEffect.CheckWorkerTask(taskId, new AttemptKey(name, node.Iteration, attempt, itemIndex)));
        return true;
    }

    /// <summary>Cancels <paramref name="taskId"/> when there is one.</summary>
    public static void Cancel(RunTurn turn, string? taskId, string reason)
    {
        if (taskId is not null)
        {
            turn.Effect(new RunEffect.CancelWorkerTask(taskId, reason));
        }
    }
}
