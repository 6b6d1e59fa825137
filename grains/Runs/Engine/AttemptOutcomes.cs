using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Errors;

namespace Orchestrator.Runs.Engine;

/// <summary>Applying what attempts came to: completion and output merging, retries after the policy's delay, final
/// failures with their error records and <c>onFailure</c>.</summary>
internal static class AttemptOutcomes
{
    /// <summary>Applies one outcome; returns false when it is stale (the attempt was superseded or the run ended).</summary>
    public static bool Apply(RunTurn turn, NodeAttemptResult result)
    {
        if (!turn.Run.Nodes.TryGetValue(result.Node, out var node) || !IsCurrentAttempt(node, result) ||
            turn.Run.Status.IsFinished() || result.Cancelled)
        {
            return false;
        }

        foreach (var line in result.Logs)
        {
            turn.Emit(RunEventTypes.Log, result.Node, result.Iteration, result.Attempt, new JsonObject { ["message"] = line });
        }

        if (result.Succeeded && result.AwaitingSubRun is { } child && !result.SubRunFinished)
        {
            if ((result.ItemIndex is { } known ? node.Items![known].SubRunId : node.SubRunId) == child)
            {
                // The same report again (a report can carry results that an earlier one applied already).
                return false;
            }

            if (result.ItemIndex is { } index)
            {
                node.Items![index].SubRunId = child;
            }
            else
            {
                node.SubRunId = child;
            }

            turn.Touch(result.Node);
            turn.Emit(RunEventTypes.System, result.Node, result.Iteration, result.Attempt, new JsonObject
            {
                ["message"] = $"sub-run {child} started",
                ["subRunId"] = child,
            });
            return true;
        }

        if (WorkerTasks.RecordQueued(turn, node, result) is { } recorded)
        {
            return recorded;
        }

        if (result.Succeeded)
        {
            CompleteAttempt(turn, result.Node, node, result.ItemIndex, result.Output);
        }
        else
        {
            HandleAttemptFailure(turn, result.Node, result.ItemIndex, result.Error ?? "failed");
        }

        return true;
    }

    /// <summary>The end of sub-run <paramref name="childRunId"/> as the result of the attempt that waits for it.</summary>
    public static NodeAttemptResult SubRunEnded(string node, int iteration, int attempt, int? itemIndex, string childRunId, RunSnapshot child) => new()
    {
        Node = node,
        Iteration = iteration,
        Attempt = attempt,
        ItemIndex = itemIndex,
        Succeeded = child.Status == RunStatus.Completed,
        Output = new JsonObject
        {
            ["runId"] = childRunId,
            ["status"] = RunState.StatusName(child.Status),
            ["state"] = child.State.DeepClone(),
        },
        Error = child.Status == RunStatus.Completed ? null : $"sub-run {childRunId} {RunState.StatusName(child.Status)}: {child.Error}",
        SubRunFinished = true,
    };

    public static void CompleteNode(RunTurn turn, string name, NodeRunState node, JsonNode? output)
    {
        var definition = turn.Definition.Nodes[name];
        node.Status = NodeStatus.Completed;
        node.Output = output?.DeepClone();
        node.Iterations++;
        node.FinishedAt = turn.Now;
        node.SubRunId = null;
        node.TaskId = null;
        node.Error = null;
        turn.Touch(name);
        JsonObject? stateUpdate = null;
        if (output is JsonObject values && definition.Merge && definition.ForEach is null)
        {
            turn.MergeIntoState(values);
            stateUpdate = (JsonObject)values.DeepClone();
        }

        turn.Emit(RunEventTypes.NodeCompleted, name, node.Iteration, node.Attempts, new JsonObject
        {
            ["output"] = output?.DeepClone(),
            ["stateUpdate"] = stateUpdate,
        });
        NotifyRecovery(turn, node, succeeded: true, error: null);
        turn.InvalidateContext();
        turn.Scheduling.Settled(turn, name);
    }

    /// <summary>A failed attempt: retried after the policy's delay (by a one-shot reminder), or the node fails.</summary>
    public static void HandleAttemptFailure(RunTurn turn, string name, int? itemIndex, string error)
    {
        var node = turn.Run.Nodes[name];
        var policy = RetryPolicy.From(turn.Definition.Nodes[name].Retry);
        var attempts = itemIndex is { } index ? node.Items![index].Attempts : node.Attempts;
        var limit = node.AttemptLimit ?? policy.MaxAttempts;
        if (attempts >= limit)
        {
            FailNode(turn, name, itemIndex, error);
            return;
        }

        // After a manual retry granted a fresh round, the delays start again from the policy's first.
        var delay = policy.NextDelay(Math.Max(1, attempts - limit + policy.MaxAttempts), turn.Random.NextDouble());
        var next = turn.Now + delay;
        if (itemIndex is { } i)
        {
            var item = node.Items![i];
            item.Status = NodeStatus.Retrying;
            item.NextAttemptAt = next;
            item.Error = error;
            item.SubRunId = null;
            item.TaskId = null;
        }
        else
        {
            node.Status = NodeStatus.Retrying;
            node.NextAttemptAt = next;
            node.Error = error;
            node.SubRunId = null;
            node.TaskId = null;
        }

        turn.Touch(name);
        turn.Emit(RunEventTypes.NodeRetryScheduled, name, node.Iteration, attempts, new JsonObject
        {
            ["error"] = error,
            ["itemIndex"] = itemIndex,
            ["nextAttempt"] = attempts + 1,
            ["nextAttemptAt"] = next,
            ["delayMs"] = (long)delay.TotalMilliseconds,
        });
        turn.Effect(new RunEffect.ArmReminder(RunReminders.Retry(name, itemIndex), delay));
    }

    /// <summary>The node's attempts ran out: it fails, an error record is made (or the record retrying it is told), and the
    /// run fails unless the node says <c>onFailure: continue</c>.</summary>
    public static void FailNode(RunTurn turn, string name, int? itemIndex, string error)
    {
        var node = turn.Run.Nodes[name];
        var nodeError = error;
        if (itemIndex is { } index)
        {
            var item = node.Items![index];
            item.Status = NodeStatus.Failed;
            item.Error = error;
            nodeError = $"element {index}: {error}";
            for (var i = 0; i < node.Items.Count; i++)
            {
                var sibling = node.Items[i];
                if (sibling.Status == NodeStatus.Running)
                {
                    turn.Effect(new RunEffect.CancelAttempt(new AttemptKey(name, node.Iteration, sibling.Attempts, i)));
                    WorkerTasks.Cancel(turn, sibling.TaskId, $"element {index} of node '{name}' failed");
                }

                if (sibling.Status is NodeStatus.Pending or NodeStatus.Retrying or NodeStatus.Running)
                {
                    sibling.Status = NodeStatus.Cancelled;
                }
            }
        }

        node.Status = NodeStatus.Failed;
        node.TaskId = null;
        node.Error = nodeError;
        node.FinishedAt = turn.Now;
        turn.Touch(name);
        var attempts = itemIndex is { } failed ? node.Items![failed].Attempts : node.Attempts;
        turn.Emit(RunEventTypes.NodeFailed, name, node.Iteration, attempts, new JsonObject { ["error"] = nodeError, ["itemIndex"] = itemIndex });
        if (node.RecoveringErrorId is not null)
        {
            NotifyRecovery(turn, node, succeeded: false, nodeError);
        }
        else
        {
            RecordError(turn, name, node, attempts, nodeError, itemIndex is { } i ? node.Items![i].Item : null);
        }

        turn.InvalidateContext();
        if (turn.Definition.Nodes[name].OnFailure == FailurePolicies.Continue)
        {
            turn.Scheduling.Settled(turn, name);
            return;
        }

        turn.Finish(RunStatus.Failed, $"node '{name}' failed: {nodeError}");
    }

    private static bool IsCurrentAttempt(NodeRunState node, NodeAttemptResult result)
    {
        if (node.Iteration != result.Iteration)
        {
            return false;
        }

        // A sub-run's end counts for the attempt that started it even before that attempt's own report (which says the
        // sub-run started) has been applied: the two race, and the sub-run's id names the attempt.
        if (result.ItemIndex is { } index)
        {
            return node.Items is { } items && index >= 0 && index < items.Count &&
                items[index].Status == NodeStatus.Running && items[index].Attempts == result.Attempt;
        }

        return node.Status == NodeStatus.Running && node.Attempts == result.Attempt;
    }

    private static void CompleteAttempt(RunTurn turn, string name, NodeRunState node, int? itemIndex, JsonNode? output)
    {
        if (itemIndex is not { } index)
        {
            CompleteNode(turn, name, node, output);
            return;
        }

        var item = node.Items![index];
        item.Status = NodeStatus.Completed;
        item.Output = output?.DeepClone();
        item.SubRunId = null;
        item.TaskId = null;
        item.Error = null;
        turn.Touch(name);
        turn.Emit(RunEventTypes.NodeCompleted, name, node.Iteration, item.Attempts, new JsonObject
        {
            ["itemIndex"] = index,
            ["output"] = output?.DeepClone(),
        });
        if (node.AllItemsCompleted())
        {
            CompleteNode(turn, name, node, new JsonArray([.. node.Items.Select(i => i.Output?.DeepClone())]));
        }
    }

    private static void RecordError(RunTurn turn, string name, NodeRunState node, int attempts, string error, JsonNode? input)
    {
        var run = turn.Run;
        var errorId = $"{run.RunId}.{name}.{node.Iteration}";
        turn.Emit(RunEventTypes.ErrorRecorded, name, node.Iteration, attempts, new JsonObject { ["errorId"] = errorId, ["error"] = error });
        turn.Effect(new RunEffect.CreateErrorRecord(errorId, turn.Options.Recovery.Apply(new NewErrorRecord
        {
            RunId = run.RunId!,
            Workflow = run.Workflow,
            Node = name,
            Iteration = node.Iteration,
            Attempts = attempts,
            Error = error,
            Input = input?.DeepClone(),
            TraceParent = run.Trace?.ToTraceParent(),
            EscalationWebhook = turn.Options.EscalationWebhook,
        }, turn.Definition.Nodes[name].Severity)));
    }

    private static void NotifyRecovery(RunTurn turn, NodeRunState node, bool succeeded, string? error)
    {
        if (node.RecoveringErrorId is not { } errorId)
        {
            return;
        }

        node.RecoveringErrorId = null;
        turn.Effect(new RunEffect.ReportRecovery(errorId, succeeded, error));
    }
}
