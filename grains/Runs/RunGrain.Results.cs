using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Errors;
using Orchestrator.Runs.Engine;

namespace Orchestrator.Runs;

/// <summary>Applying attempt outcomes: completion and output merging, retries by reminder, final failures and their
/// error records, manual retries and recovery after a restart.</summary>
internal sealed partial class RunGrain
{
    /// <summary>Applies one outcome; returns false when it is stale (the attempt was superseded or the run ended).</summary>
    private bool ApplyResult(NodeAttemptResult result)
    {
        if (!Run.Nodes.TryGetValue(result.Node, out var node) || !IsCurrentAttempt(node, result))
        {
            return false;
        }

        var key = new AttemptKey(result.Node, result.Iteration, result.Attempt, result.ItemIndex);
        if (_inFlight.Remove(key, out var source))
        {
            source.Dispose();
        }

        if (Run.Status.IsFinished() || result.Cancelled)
        {
            return false;
        }

        foreach (var line in result.Logs)
        {
            Emit(RunEventTypes.Log, result.Node, result.Iteration, result.Attempt, new JsonObject { ["message"] = line });
        }

        if (result.Succeeded && result.AwaitingSubRun is { } child && !result.SubRunFinished)
        {
            if (result.ItemIndex is { } index)
            {
                node.Items![index].SubRunId = child;
            }
            else
            {
                node.SubRunId = child;
            }

            Emit(RunEventTypes.System, result.Node, result.Iteration, result.Attempt, new JsonObject
            {
                ["message"] = $"sub-run {child} started",
                ["subRunId"] = child,
            });
            return true;
        }

        if (result.Succeeded)
        {
            CompleteAttempt(result.Node, node, result.ItemIndex, result.Output);
        }
        else
        {
            HandleAttemptFailure(result.Node, result.ItemIndex, result.Error ?? "failed");
        }

        return true;
    }

    private static bool IsCurrentAttempt(NodeRunState node, NodeAttemptResult result)
    {
        if (node.Iteration != result.Iteration)
        {
            return false;
        }

        if (result.ItemIndex is { } index)
        {
            return node.Items is { } items && index < items.Count &&
                items[index].Status == NodeStatus.Running && items[index].Attempts == result.Attempt &&
                (!result.SubRunFinished || items[index].SubRunId is not null);
        }

        return node.Status == NodeStatus.Running && node.Attempts == result.Attempt &&
            (!result.SubRunFinished || node.SubRunId is not null);
    }

    private void CompleteAttempt(string name, NodeRunState node, int? itemIndex, JsonNode? output)
    {
        if (itemIndex is not { } index)
        {
            CompleteNode(name, node, output);
            return;
        }

        var item = node.Items![index];
        item.Status = NodeStatus.Completed;
        item.Output = output?.DeepClone();
        item.SubRunId = null;
        item.Error = null;
        Emit(RunEventTypes.NodeCompleted, name, node.Iteration, item.Attempts, new JsonObject
        {
            ["itemIndex"] = index,
            ["output"] = output?.DeepClone(),
        });
        if (node.Items.All(i => i.Status == NodeStatus.Completed))
        {
            CompleteNode(name, node, new JsonArray([.. node.Items.Select(i => i.Output?.DeepClone())]));
        }
    }

    private void CompleteNode(string name, NodeRunState node, JsonNode? output)
    {
        var definition = Definition.Nodes[name];
        node.Status = NodeStatus.Completed;
        node.Output = output?.DeepClone();
        node.Iterations++;
        node.FinishedAt = clock.GetUtcNow();
        node.SubRunId = null;
        node.Error = null;
        JsonObject? stateUpdate = null;
        if (output is JsonObject values && definition.Merge && definition.ForEach is null)
        {
            MergeIntoState(values);
            stateUpdate = (JsonObject)values.DeepClone();
        }

        Emit(RunEventTypes.NodeCompleted, name, node.Iteration, node.Attempts, new JsonObject
        {
            ["output"] = output?.DeepClone(),
            ["stateUpdate"] = stateUpdate,
        });
        NotifyRecovery(node, succeeded: true, error: null);
        _turnContext = null;
        if (Definition.IsGraph)
        {
            FollowEdges(name);
        }
    }

    /// <summary>A failed attempt: retried after the policy's delay (by a one-shot reminder), or the node fails.</summary>
    private void HandleAttemptFailure(string name, int? itemIndex, string error)
    {
        var node = Run.Nodes[name];
        var policy = RetryPolicy.From(Definition.Nodes[name].Retry);
        var attempts = itemIndex is { } index ? node.Items![index].Attempts : node.Attempts;
        if (attempts >= (node.AttemptLimit ?? policy.MaxAttempts))
        {
            FailNode(name, itemIndex, error);
            return;
        }

        var delay = policy.NextDelay(Math.Max(1, attempts - (node.AttemptLimit ?? policy.MaxAttempts) + policy.MaxAttempts), Random.Shared.NextDouble());
        var next = clock.GetUtcNow() + delay;
        if (itemIndex is { } i)
        {
            var item = node.Items![i];
            item.Status = NodeStatus.Retrying;
            item.NextAttemptAt = next;
            item.Error = error;
            item.SubRunId = null;
        }
        else
        {
            node.Status = NodeStatus.Retrying;
            node.NextAttemptAt = next;
            node.Error = error;
            node.SubRunId = null;
        }

        Emit(RunEventTypes.NodeRetryScheduled, name, node.Iteration, attempts, new JsonObject
        {
            ["error"] = error,
            ["itemIndex"] = itemIndex,
            ["nextAttempt"] = attempts + 1,
            ["nextAttemptAt"] = next,
            ["delayMs"] = (long)delay.TotalMilliseconds,
        });
        var reminder = RetryReminder(name, itemIndex);
        _beforeCommit.Add(() => ArmAsync(reminder, delay));
    }

    /// <summary>The node's attempts ran out: it fails, an error record is made, and the run fails unless the node says
    /// <c>onFailure: continue</c>.</summary>
    private void FailNode(string name, int? itemIndex, string error)
    {
        var node = Run.Nodes[name];
        var now = clock.GetUtcNow();
        var nodeError = error;
        if (itemIndex is { } index)
        {
            var item = node.Items![index];
            item.Status = NodeStatus.Failed;
            item.Error = error;
            nodeError = $"element {index}: {error}";
            for (var i = 0; i < node.Items.Count; i++)
            {
                if (node.Items[i].Status is NodeStatus.Pending or NodeStatus.Retrying or NodeStatus.Running)
                {
                    CancelAttempt(new AttemptKey(name, node.Iteration, node.Items[i].Attempts, i));
                    node.Items[i].Status = NodeStatus.Cancelled;
                }
            }
        }

        node.Status = NodeStatus.Failed;
        node.Error = nodeError;
        node.FinishedAt = now;
        var attempts = itemIndex is { } failed ? node.Items![failed].Attempts : node.Attempts;
        Emit(RunEventTypes.NodeFailed, name, node.Iteration, attempts, new JsonObject { ["error"] = nodeError, ["itemIndex"] = itemIndex });

        if (node.RecoveringErrorId is not null)
        {
            NotifyRecovery(node, succeeded: false, nodeError);
        }
        else
        {
            RecordError(name, node, attempts, nodeError, itemIndex is { } i ? node.Items![i].Item : null);
        }

        _turnContext = null;
        if (Definition.Nodes[name].OnFailure == FailurePolicies.Continue)
        {
            if (Definition.IsGraph)
            {
                FollowEdges(name);
            }

            return;
        }

        Finish(RunStatus.Failed, $"node '{name}' failed: {nodeError}");
    }

    private void RecordError(string name, NodeRunState node, int attempts, string error, JsonNode? input)
    {
        var errorId = $"{Run.RunId}.{name}.{node.Iteration}";
        var record = new NewErrorRecord
        {
            RunId = Run.RunId!,
            Workflow = Run.Workflow,
            Node = name,
            Iteration = node.Iteration,
            Attempts = attempts,
            Error = error,
            Input = input?.DeepClone(),
            RecoveryAttempts = options.ErrorRecoveryAttempts,
            RecoveryDelay = options.ErrorRecoveryDelay,
            EscalationWebhook = options.EscalationWebhook,
        };
        Emit(RunEventTypes.ErrorRecorded, name, node.Iteration, attempts, new JsonObject { ["errorId"] = errorId, ["error"] = error });
        _beforeCommit.Add(() => Factory.GetGrain<IErrorRecordGrain>(errorId).CreateAsync(record));
    }

    private void NotifyRecovery(NodeRunState node, bool succeeded, string? error)
    {
        if (node.RecoveringErrorId is not { } errorId)
        {
            return;
        }

        node.RecoveringErrorId = null;
        _afterCommit.Add(() => Factory.GetGrain<IErrorRecordGrain>(errorId).RetryFinishedAsync(succeeded, error));
    }

    private void CancelAttempt(AttemptKey key)
    {
        if (_inFlight.Remove(key, out var source))
        {
            source.Cancel();
            source.Dispose();
        }
    }

    public async Task<RunSnapshot> RetryNodeAsync(string node, string errorId)
    {
        EnsureExists();
        if (!Run.Nodes.TryGetValue(node, out var state))
        {
            throw new KeyNotFoundException($"Run {Run.RunId} has no node '{node}'.");
        }

        if (state.Status != NodeStatus.Failed || Run.Status is RunStatus.Cancelled or RunStatus.Completed)
        {
            throw new InvalidOperationException(
                $"Node '{node}' of run {Run.RunId} is {RunState.StatusName(state.Status)} in a {RunState.StatusName(Run.Status)} run; only a failed node of a failed or running run can be retried.");
        }

        // A fresh round of the node's retry policy; attempt numbers keep rising so idempotency keys stay unique.
        var policy = RetryPolicy.From(Definition.Nodes[node].Retry);
        state.RecoveringErrorId = errorId;
        state.Error = null;
        state.FinishedAt = null;
        if (state.Items is { } items)
        {
            state.AttemptLimit = items.Max(i => i.Attempts) + policy.MaxAttempts;
            foreach (var item in items.Where(i => i.Status is NodeStatus.Failed or NodeStatus.Cancelled))
            {
                item.Status = NodeStatus.Pending;
                item.Error = null;
            }

            state.Status = NodeStatus.Running;
        }
        else
        {
            state.AttemptLimit = state.Attempts + policy.MaxAttempts;
            state.Status = NodeStatus.Ready;
        }

        if (Run.Status == RunStatus.Failed)
        {
            Run.Status = RunStatus.Running;
            Run.Error = null;
            Run.FinishedAt = null;
            if (Definition.IsGraph)
            {
                Run.CurrentNode = node;
            }
            else
            {
                // Nodes stopped by the failure run again once their dependencies are met.
                foreach (var other in Run.Nodes.Values.Where(n => n.Status == NodeStatus.Cancelled))
                {
                    other.Status = NodeStatus.Pending;
                    other.Attempts = 0;
                }
            }
        }

        Emit(RunEventTypes.System, node, state.Iteration, data: new JsonObject
        {
            ["message"] = $"node '{node}' retried for error record {errorId}",
            ["errorId"] = errorId,
        });
        Advance();
        await CommitAsync();
        return Snapshot();
    }

    /// <summary>After a restart: attempts that were running are retried with the next attempt number (their work may
    /// have been done — effects are at least once), sub-runs are checked, due retries released.</summary>
    private async Task RecoverAsync()
    {
        var interrupted = 0;
        foreach (var (name, node) in Run.Nodes)
        {
            if (node.Status != NodeStatus.Running)
            {
                continue;
            }

            if (node.Items is { } items)
            {
                for (var i = 0; i < items.Count; i++)
                {
                    if (items[i].Status == NodeStatus.Running && !await ResumeSubRunAsync(name, node, i, items[i].SubRunId, items[i].Attempts))
                    {
                        interrupted++;
                        HandleAttemptFailure(name, i, "interrupted: the silo stopped while the attempt ran");
                        items[i].NextAttemptAt = clock.GetUtcNow();
                    }
                }
            }
            else if (!await ResumeSubRunAsync(name, node, null, node.SubRunId, node.Attempts))
            {
                interrupted++;
                HandleAttemptFailure(name, null, "interrupted: the silo stopped while the attempt ran");
                node.NextAttemptAt = clock.GetUtcNow();
            }
        }

        Emit(RunEventTypes.RunRecovered, data: new JsonObject { ["interruptedAttempts"] = interrupted });
        if (Run.Status == RunStatus.Running)
        {
            ReleaseDueRetries();
        }

        Advance();
        await CommitAsync();
    }

    /// <summary>True when the attempt waits for a sub-run that still runs (or whose end was just applied).</summary>
    private async Task<bool> ResumeSubRunAsync(string name, NodeRunState node, int? itemIndex, string? subRunId, int attempt)
    {
        if (subRunId is null)
        {
            return false;
        }

        RunSnapshot child;
        try
        {
            child = await Factory.GetGrain<IRunGrain>(subRunId).GetAsync();
        }
        catch (KeyNotFoundException)
        {
            return false;
        }

        if (child.Status.IsFinished())
        {
            ApplyResult(new NodeAttemptResult
            {
                Node = name,
                Iteration = node.Iteration,
                Attempt = attempt,
                ItemIndex = itemIndex,
                Succeeded = child.Status == RunStatus.Completed,
                Output = new JsonObject { ["runId"] = subRunId, ["status"] = RunState.StatusName(child.Status), ["state"] = child.State.DeepClone() },
                Error = child.Status == RunStatus.Completed ? null : $"sub-run {subRunId} {RunState.StatusName(child.Status)}: {child.Error}",
                SubRunFinished = true,
            });
        }

        return true;
    }
}
