using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Expressions;
using Orchestrator.Loops;
using Orchestrator.Nodes;
using Orchestrator.Runs.Engine;

namespace Orchestrator.Runs;

/// <summary>Deciding what runs next: DAG dependencies, forEach elements, graph edges, and the run's end.</summary>
internal sealed partial class RunGrain
{
    private const string RunTimeoutReminder = "run-timeout";
    private const string RetryReminderPrefix = "retry|";

    private ExpressionContext? _turnContext;

    /// <summary>Starts whatever is ready (within the parallel-attempt budget) and finishes the run when nothing is left.</summary>
    private void Advance()
    {
        if (Run.Status != RunStatus.Running)
        {
            return;
        }

        _turnContext = null;
        if (!Definition.IsGraph)
        {
            PromoteReadyDagNodes();
        }

        LaunchReady();
        if (!Definition.IsGraph && Run.Status == RunStatus.Running && Run.Nodes.Values.All(node => node.Status.IsFinished()))
        {
            Finish(RunStatus.Completed, error: null);
        }
    }

    private void PromoteReadyDagNodes()
    {
        foreach (var (name, node) in Run.Nodes)
        {
            var definition = Definition.Nodes[name];
            if (node.Status == NodeStatus.Pending && definition.DependsOn.All(IsSatisfied))
            {
                node.Status = NodeStatus.Ready;
            }
        }
    }

    /// <summary>A dependency is satisfied once it completed, was skipped, or failed with <c>onFailure: continue</c>.</summary>
    private bool IsSatisfied(string dependency)
    {
        var node = Run.Nodes[dependency];
        return node.Status is NodeStatus.Completed or NodeStatus.Skipped ||
            (node.Status == NodeStatus.Failed && Definition.Nodes[dependency].OnFailure == FailurePolicies.Continue);
    }

    private void LaunchReady()
    {
        var budget = options.MaxParallelAttempts - _inFlight.Count - _launches.Count;
        foreach (var (name, node) in Run.Nodes)
        {
            if (budget <= 0 || Run.Status != RunStatus.Running)
            {
                return;
            }

            if (node.Status == NodeStatus.Ready)
            {
                if (Definition.Nodes[name].ForEach is { } forEach && node.Items is null)
                {
                    ExpandForEach(name, node, forEach);
                }
                else
                {
                    StartAttempt(name, itemIndex: null);
                    budget--;
                    continue;
                }
            }

            if (node.Status == NodeStatus.Running && node.Items is { } items)
            {
                for (var i = 0; i < items.Count && budget > 0 && node.Status == NodeStatus.Running; i++)
                {
                    if (items[i].Status == NodeStatus.Pending)
                    {
                        StartAttempt(name, i);
                        budget--;
                    }
                }
            }
        }
    }

    private void ExpandForEach(string name, NodeRunState node, string forEach)
    {
        node.Iteration = Math.Max(node.Iteration, 1);
        JsonNode? list;
        try
        {
            list = _definition!.Expressions.GetExpression(forEach).Evaluate(TurnContext());
        }
        catch (ExpressionException e)
        {
            FailNode(name, itemIndex: null, $"forEach: {e.Message}");
            return;
        }

        if (list is not JsonArray array)
        {
            FailNode(name, itemIndex: null, $"forEach: '{forEach}' yielded {list?.GetValueKind().ToString().ToLowerInvariant() ?? "null"}, not a list");
            return;
        }

        if (array.Count > DefinitionLimits.MaxForEachWidth)
        {
            FailNode(name, itemIndex: null, $"forEach: '{forEach}' yielded {array.Count} elements; at most {DefinitionLimits.MaxForEachWidth} are allowed");
            return;
        }

        node.Items = [.. array.Select(element => new ItemRunState { Item = element?.DeepClone() })];
        node.Status = NodeStatus.Running;
        node.StartedAt = clock.GetUtcNow();
        if (node.Items.Count == 0)
        {
            CompleteNode(name, node, new JsonArray());
        }
    }

    private void StartAttempt(string name, int? itemIndex)
    {
        var definition = Definition.Nodes[name];
        var node = Run.Nodes[name];
        var now = clock.GetUtcNow();
        node.Iteration = Math.Max(node.Iteration, 1);
        int attempt;
        JsonNode? item = null;
        if (itemIndex is { } index)
        {
            var element = node.Items![index];
            attempt = ++element.Attempts;
            element.Status = NodeStatus.Running;
            element.NextAttemptAt = null;
            item = element.Item;
        }
        else
        {
            attempt = ++node.Attempts;
            node.Status = NodeStatus.Running;
            node.NextAttemptAt = null;
            node.Error = null;
            if (attempt == 1)
            {
                node.StartedAt = now;
                node.FinishedAt = null;
            }
        }

        var context = TurnContext() with { Iteration = node.Iteration, Attempt = attempt, Item = item };
        var key = new AttemptKey(name, node.Iteration, attempt, itemIndex);
        var data = new JsonObject { ["type"] = definition.Type };
        if (itemIndex is not null)
        {
            data["itemIndex"] = itemIndex;
            data["item"] = item?.DeepClone();
        }

        Emit(RunEventTypes.NodeStarted, name, node.Iteration, attempt, data);
        JsonObject config;
        try
        {
            config = NodeConfigRenderer.Render(definition, context, _definition!.Expressions);
        }
        catch (ExpressionException e)
        {
            HandleAttemptFailure(name, itemIndex, $"configuration: {e.Message}");
            return;
        }

        var idempotencyKey = itemIndex is null
            ? $"{Run.RunId}/{name}/{node.Iteration}/{attempt}"
            : $"{Run.RunId}/{name}/{node.Iteration}/{attempt}/{itemIndex}";
        _launches.Add(new PendingLaunch(key, new NodeInvocation
        {
            RunId = Run.RunId!,
            Workflow = Run.Workflow,
            Node = name,
            Definition = definition,
            Config = config,
            Context = context,
            Expressions = _definition!.Expressions,
            Iteration = node.Iteration,
            Attempt = attempt,
            ItemIndex = itemIndex,
            IdempotencyKey = idempotencyKey,
        }));
    }

    /// <summary>What expressions read during this turn. Shared by every attempt started in the turn: evaluation never
    /// changes it, and it is a copy, so the run may change its state while attempts read this.</summary>
    private ExpressionContext TurnContext()
    {
        if (_turnContext is not null)
        {
            return _turnContext;
        }

        var nodes = new JsonObject();
        foreach (var (name, node) in Run.Nodes)
        {
            if (node.Output is not null || node.Status.IsFinished())
            {
                nodes[name] = new JsonObject
                {
                    ["output"] = node.Output?.DeepClone(),
                    ["status"] = RunState.StatusName(node.Status),
                    ["error"] = node.Error,
                    ["iterations"] = node.Iterations,
                };
            }
        }

        return _turnContext = new ExpressionContext
        {
            State = Run.State.DeepClone(),
            Input = Run.Input?.DeepClone(),
            Nodes = nodes,
            Clock = clock,
        };
    }

    /// <summary>Graph mode: moves the run to <paramref name="target"/> (or finishes it at END or when the node ran out of iterations).</summary>
    private void EnterGraphNode(string target, string? from)
    {
        if (from is not null)
        {
            Emit(RunEventTypes.Transition, data: new JsonObject { ["from"] = from, ["to"] = target });
        }

        if (target == WorkflowDefinition.EndNode)
        {
            Run.CurrentNode = WorkflowDefinition.EndNode;
            Finish(RunStatus.Completed, error: null);
            return;
        }

        var node = Run.Nodes[target];
        var limit = MaxIterations();
        if (node.Iteration >= limit)
        {
            Emit(RunEventTypes.System, target, node.Iteration, data: new JsonObject
            {
                ["message"] = "Max iterations reached",
                ["node"] = target,
                ["maxIterations"] = limit,
            });
            Run.CurrentNode = WorkflowDefinition.EndNode;
            Finish(RunStatus.Completed, error: null);
            return;
        }

        node.Iteration++;
        node.Attempts = 0;
        node.AttemptLimit = null;
        node.Items = null;
        node.SubRunId = null;
        node.Status = NodeStatus.Ready;
        Run.CurrentNode = target;
    }

    /// <summary>Graph mode: follows the first edge out of <paramref name="from"/> whose condition holds.</summary>
    private void FollowEdges(string from)
    {
        var edges = Definition.Edges.Where(edge => edge.From == from).ToList();
        if (edges.Count == 0)
        {
            Run.CurrentNode = WorkflowDefinition.EndNode;
            Finish(RunStatus.Completed, error: null);
            return;
        }

        _turnContext = null;
        foreach (var edge in edges)
        {
            bool taken;
            try
            {
                taken = edge.When is null || _definition!.Expressions.GetExpression(edge.When).EvaluateCondition(TurnContext());
            }
            catch (ExpressionException e)
            {
                Finish(RunStatus.Failed, $"edge {from} → {edge.To}: {e.Message}");
                return;
            }

            if (taken)
            {
                EnterGraphNode(edge.To, from);
                return;
            }
        }

        Finish(RunStatus.Failed, $"no edge out of '{from}' matched: {string.Join("; ", edges.Select(e => $"to {e.To} when {e.When}"))}");
    }

    private int MaxIterations()
    {
        if (Definition.MaxIterations is { } fromDefinition)
        {
            return fromDefinition;
        }

        return ExpressionValues.TryGetNumber(Run.State["max_iterations"], out var fromState) && fromState >= 1
            ? (int)Math.Min(fromState, DefinitionLimits.MaxIterations)
            : options.DefaultMaxIterations;
    }

    /// <summary>Ends the run: stops running attempts and sub-runs, and tells the parent run, if any.</summary>
    private void Finish(RunStatus status, string? error)
    {
        if (status == RunStatus.Completed && Run.Loops.Values.Any(loop => !loop.IsEnded()))
        {
            // The run's nodes are done; it ends when its last loop does (LoopEndedAsync).
            return;
        }

        StopLoops(status, error);
        var now = clock.GetUtcNow();
        Run.Status = status;
        Run.Error = error;
        Run.FinishedAt = now;
        foreach (var (name, node) in Run.Nodes)
        {
            foreach (var item in node.Items ?? [])
            {
                if (item.Status is NodeStatus.Running or NodeStatus.Retrying || (status == RunStatus.Cancelled && item.Status is NodeStatus.Pending or NodeStatus.Ready))
                {
                    item.Status = NodeStatus.Cancelled;
                }

                CancelSubRun(item.SubRunId, error);
            }

            if (node.Status is NodeStatus.Running or NodeStatus.Retrying ||
                (status == RunStatus.Cancelled && node.Status is NodeStatus.Pending or NodeStatus.Ready))
            {
                if (node.Status is NodeStatus.Running or NodeStatus.Retrying)
                {
                    Emit(RunEventTypes.NodeCancelled, name, node.Iteration, node.Attempts);
                }

                node.Status = NodeStatus.Cancelled;
                node.FinishedAt = now;
                CancelSubRun(node.SubRunId, error);
            }
        }

        foreach (var source in _inFlight.Values)
        {
            source.Cancel();
        }

        var type = status switch
        {
            RunStatus.Completed => RunEventTypes.RunCompleted,
            RunStatus.Cancelled => RunEventTypes.RunCancelled,
            _ => RunEventTypes.RunFailed,
        };
        Emit(type, data: new JsonObject { ["state"] = Run.State.DeepClone(), ["error"] = error, ["currentNode"] = Run.CurrentNode });
        _afterCommitInTurn.Add(() => DisarmAsync(RunTimeoutReminder));
        if (Run.Parent is { } parent)
        {
            // The snapshot is taken in the turn, once the write is durable; the parent is told outside the turn.
            var runId = Run.RunId!;
            RunSnapshot? finished = null;
            _afterCommitInTurn.Add(() =>
            {
                finished = Snapshot();
                return Task.CompletedTask;
            });
            _afterCommit.Add(() => Factory.GetGrain<IRunGrain>(parent.RunId).SubRunFinishedAsync(runId, finished!));
        }
    }

    private void CancelSubRun(string? subRunId, string? reason)
    {
        if (subRunId is null)
        {
            return;
        }

        var why = $"parent run {Run.RunId} ended: {reason ?? "cancelled"}";
        _afterCommit.Add(() => Factory.GetGrain<IRunGrain>(subRunId).CancelAsync(why));
    }

    /// <summary>Retrying nodes and elements whose next attempt is due become ready again. Returns whether any did.</summary>
    private bool ReleaseDueRetries()
    {
        var now = clock.GetUtcNow();
        var released = false;
        foreach (var node in Run.Nodes.Values)
        {
            if (node.Status == NodeStatus.Retrying && node.NextAttemptAt <= now)
            {
                node.Status = NodeStatus.Ready;
                released = true;
            }

            foreach (var item in node.Items ?? [])
            {
                if (item.Status == NodeStatus.Retrying && item.NextAttemptAt <= now)
                {
                    item.Status = NodeStatus.Pending;
                    released = true;
                }
            }
        }

        return released;
    }

    private static string RetryReminder(string node, int? itemIndex) =>
        itemIndex is null ? RetryReminderPrefix + node : $"{RetryReminderPrefix}{node}|{itemIndex}";

    private int? SubRunItemIndex(string node, string childRunId)
    {
        var items = Run.Nodes.TryGetValue(node, out var state) ? state.Items : null;
        var index = items?.FindIndex(item => item.SubRunId == childRunId) ?? -1;
        return index >= 0 ? index : null;
    }
}
