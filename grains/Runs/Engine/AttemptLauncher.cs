using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Expressions;
using Orchestrator.Nodes;

namespace Orchestrator.Runs.Engine;

/// <summary>Starting attempts: ready nodes and pending forEach elements, within the run's parallel-attempt budget; forEach
/// lists expanded; retries that fell due made ready again.</summary>
internal static class AttemptLauncher
{
    /// <summary>Starts ready nodes and pending elements, in the definition's order, while the budget lasts.</summary>
    public static void LaunchReady(RunTurn turn)
    {
        var run = turn.Run;
        var budget = turn.Options.MaxParallelAttempts - AttemptsInFlight(run, turn.Definition);
        foreach (var (name, node) in run.Nodes)
        {
            if (budget <= 0 || run.Status != RunStatus.Running)
            {
                return;
            }

            if (node.Status == NodeStatus.Ready)
            {
                if (turn.Definition.Nodes[name].ForEach is { } forEach && node.Items is null)
                {
                    ExpandForEach(turn, name, node, forEach);
                }
                else
                {
                    StartAttempt(turn, name, itemIndex: null);
                    budget -= Cost(turn.Definition, name);
                    continue;
                }
            }

            if (node.Status == NodeStatus.Running && node.Items is { } items)
            {
                for (var i = node.FirstUnfinishedItem(); i < items.Count && budget > 0 && node.Status == NodeStatus.Running; i++)
                {
                    if (items[i].Status == NodeStatus.Pending)
                    {
                        StartAttempt(turn, name, i);
                        budget -= Cost(turn.Definition, name);
                    }
                }
            }
        }
    }

    /// <summary>Retrying nodes and elements whose next attempt is due become ready again. Returns whether any did.</summary>
    public static bool ReleaseDueRetries(RunTurn turn)
    {
        var released = false;
        foreach (var (name, node) in turn.Run.Nodes)
        {
            if (node.Status == NodeStatus.Retrying && node.NextAttemptAt <= turn.Now)
            {
                node.Status = NodeStatus.Ready;
                turn.Touch(name);
                released = true;
            }

            foreach (var item in node.ActiveItems())
            {
                if (item.Status == NodeStatus.Retrying && item.NextAttemptAt <= turn.Now)
                {
                    item.Status = NodeStatus.Pending;
                    turn.Touch(name);
                    released = true;
                }
            }
        }

        return released;
    }

    /// <summary>What an attempt of <paramref name="node"/> takes from the parallel-attempt budget: nothing for a
    /// <c>delay</c>, which only waits on a timer (500 concurrent delays end in one wave, not two), one for any other.</summary>
    public static int Cost(WorkflowDefinition definition, string node) =>
        definition.Nodes[node].Type == NodeTypes.Delay ? 0 : 1;

    /// <summary>Attempts under way that hold a slot of the budget: running nodes and elements, except delays (a timer is
    /// not work), those whose attempt is done and that wait for a sub-run or a worker task, and those whose attempt
    /// recorded that it only waits on work done elsewhere (a job it polls).</summary>
    public static int AttemptsInFlight(RunState run, WorkflowDefinition definition)
    {
        var count = 0;
        foreach (var (name, node) in run.Nodes)
        {
            if (node.Status != NodeStatus.Running || Cost(definition, name) == 0)
            {
                continue;
            }

            if (node.Items is not null)
            {
                foreach (var item in node.ActiveItems())
                {
                    if (item.Status == NodeStatus.Running && item.SubRunId is null && item.TaskId is null && item.Progress?.WaitingFor(node.Iteration, item.Attempts) != true)
                    {
                        count++;
                    }
                }
            }
            else if (node.SubRunId is null && node.TaskId is null && node.Progress?.WaitingFor(node.Iteration, node.Attempts) != true)
            {
                count++;
            }
        }

        return count;
    }

    private static void ExpandForEach(RunTurn turn, string name, NodeRunState node, string forEach)
    {
        node.Iteration = Math.Max(node.Iteration, 1);
        turn.Touch(name);
        JsonNode? list;
        try
        {
            list = turn.Expressions.GetExpression(forEach).Evaluate(turn.Context());
        }
        catch (ExpressionException e)
        {
            AttemptOutcomes.FailNode(turn, name, itemIndex: null, $"forEach: {e.Message}");
            return;
        }

        if (list is not JsonArray array)
        {
            AttemptOutcomes.FailNode(turn, name, itemIndex: null, $"forEach: '{forEach}' yielded {list?.GetValueKind().ToString().ToLowerInvariant() ?? "null"}, not a list");
            return;
        }

        if (array.Count > DefinitionLimits.MaxForEachWidth)
        {
            AttemptOutcomes.FailNode(turn, name, itemIndex: null, $"forEach: '{forEach}' yielded {array.Count} elements; at most {DefinitionLimits.MaxForEachWidth} are allowed");
            return;
        }

        node.Items = [.. array.Select(element => new ItemRunState { Item = element?.DeepClone() })];
        node.Status = NodeStatus.Running;
        node.StartedAt = turn.Now;
        if (node.Items.Count == 0)
        {
            AttemptOutcomes.CompleteNode(turn, name, node, new JsonArray());
        }
    }

    private static void StartAttempt(RunTurn turn, string name, int? itemIndex)
    {
        var run = turn.Run;
        var definition = turn.Definition.Nodes[name];
        var node = run.Nodes[name];
        node.Iteration = Math.Max(node.Iteration, 1);
        turn.Touch(name);
        int attempt;
        JsonNode? item = null;
        if (itemIndex is { } index)
        {
            var element = node.Items![index];
            attempt = ++element.Attempts;
            element.Status = NodeStatus.Running;
            element.NextAttemptAt = null;
            element.WaitsUntil = null;
            item = element.Item;
        }
        else
        {
            attempt = ++node.Attempts;
            node.Status = NodeStatus.Running;
            node.NextAttemptAt = null;
            node.WaitsUntil = null;
            node.Error = null;
            if (attempt == 1)
            {
                node.StartedAt = turn.Now;
                node.FinishedAt = null;
            }
        }

        var data = new JsonObject { ["type"] = definition.Type };
        if (itemIndex is not null)
        {
            data["itemIndex"] = itemIndex;
            data["item"] = item?.DeepClone();
        }

        turn.Emit(RunEventTypes.NodeStarted, name, node.Iteration, attempt, data);
        Launch(turn, name, itemIndex, attempt, item, resumed: false);
    }

    /// <summary>After a restart: the attempt that was running and had recorded that it only waits (a submitted job it
    /// polls) is launched again as the same attempt — same number, same idempotency key — from its progress. A new
    /// attempt number would say the work was tried again, and count against the retry policy, when it was not: the job
    /// went on running while the silo was down, and the attempt only goes back to watching it.</summary>
    public static void Resume(RunTurn turn, string name, int? itemIndex)
    {
        var node = turn.Run.Nodes[name];
        var attempt = itemIndex is { } index ? node.Items![index].Attempts : node.Attempts;
        var data = new JsonObject
        {
            ["message"] = $"attempt {attempt} of node '{name}' resumed after a restart",
            ["resumed"] = true,
        };
        if (itemIndex is not null)
        {
            data["itemIndex"] = itemIndex;
        }

        turn.Touch(name);
        turn.Emit(RunEventTypes.System, name, node.Iteration, attempt, data);
        Launch(turn, name, itemIndex, attempt, itemIndex is { } i ? node.Items![i].Item : null, resumed: true);
    }

    private static void Launch(RunTurn turn, string name, int? itemIndex, int attempt, JsonNode? item, bool resumed)
    {
        var run = turn.Run;
        var definition = turn.Definition.Nodes[name];
        var node = run.Nodes[name];
        var context = turn.Context() with { Iteration = node.Iteration, Attempt = attempt, Item = item };
        JsonObject config;
        try
        {
            config = NodeConfigRenderer.Render(definition, context, turn.Expressions);
        }
        catch (ExpressionException e)
        {
            AttemptOutcomes.HandleAttemptFailure(turn, name, itemIndex, $"configuration: {e.Message}");
            return;
        }

        if (!resumed && DurableDelays.TryWait(turn, name, itemIndex, definition, config))
        {
            return;
        }

        var idempotencyKey = itemIndex is null
            ? $"{run.RunId}/{name}/{node.Iteration}/{attempt}"
            : $"{run.RunId}/{name}/{node.Iteration}/{attempt}/{itemIndex}";
        turn.Effect(new RunEffect.LaunchAttempt(new AttemptKey(name, node.Iteration, attempt, itemIndex), new NodeInvocation
        {
            RunId = run.RunId!,
            Workflow = run.Workflow,
            Node = name,
            Definition = definition,
            Config = config,
            Context = context,
            Expressions = turn.Expressions,
            Iteration = node.Iteration,
            Attempt = attempt,
            ItemIndex = itemIndex,
            IdempotencyKey = idempotencyKey,
            TraceParent = run.Trace?.ToTraceParent(),
            DecidedAt = turn.Now,
            Progress = AttemptProgressRecording.For(itemIndex is { } element ? node.Items![element].Progress : node.Progress, node.Iteration),
            Resumed = resumed,
        }));
    }
}
