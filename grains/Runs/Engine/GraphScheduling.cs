using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Expressions;

namespace Orchestrator.Runs.Engine;

/// <summary>Graph mode: the run starts at <c>entry</c>; when a node is done the first edge out of it whose condition
/// holds (in declared order) names the next node; <c>END</c>, a node with no edges out, or a node that would start more
/// than its maximum iterations ends the run.</summary>
internal sealed class GraphScheduling : ISchedulingStrategy
{
    public static GraphScheduling Instance { get; } = new();

    /// <inheritdoc/>
    public void Begin(RunTurn turn) => Enter(turn, turn.Definition.Entry!, from: null);

    /// <inheritdoc/>
    public void Promote(RunTurn turn)
    {
    }

    /// <inheritdoc/>
    public void CompleteIfDone(RunTurn turn)
    {
    }

    /// <inheritdoc/>
    public void Settled(RunTurn turn, string node)
    {
        var edges = turn.Definition.Edges.Where(edge => edge.From == node).ToList();
        if (edges.Count == 0)
        {
            turn.Run.CurrentNode = WorkflowDefinition.EndNode;
            turn.Finish(RunStatus.Completed, error: null);
            return;
        }

        turn.InvalidateContext();
        foreach (var edge in edges)
        {
            bool taken;
            try
            {
                taken = edge.When is null || turn.Expressions.GetExpression(edge.When).EvaluateCondition(turn.Context());
            }
            catch (ExpressionException e)
            {
                turn.Finish(RunStatus.Failed, $"edge {node} → {edge.To}: {e.Message}");
                return;
            }

            if (taken)
            {
                Enter(turn, edge.To, node);
                return;
            }
        }

        turn.Finish(RunStatus.Failed, $"no edge out of '{node}' matched: {string.Join("; ", edges.Select(e => $"to {e.To} when {e.When}"))}");
    }

    /// <inheritdoc/>
    public bool NodesDone(RunState run) => run.CurrentNode == WorkflowDefinition.EndNode;

    /// <inheritdoc/>
    public void Reopen(RunTurn turn, string node)
    {
        turn.Run.CurrentNode = node;

        // Nodes the failure skipped may be entered again as the graph goes on.
        foreach (var (name, other) in turn.Run.Nodes)
        {
            if (other.Status == NodeStatus.Skipped)
            {
                other.Status = NodeStatus.Pending;
                other.Error = null;
                other.FinishedAt = null;
                turn.Touch(name);
            }
        }
    }

    /// <summary>Moves the run to <paramref name="target"/> (or finishes it at END or when the node ran out of iterations).</summary>
    private static void Enter(RunTurn turn, string target, string? from)
    {
        if (from is not null)
        {
            turn.Emit(RunEventTypes.Transition, data: new JsonObject { ["from"] = from, ["to"] = target });
        }

        if (target == WorkflowDefinition.EndNode)
        {
            turn.Run.CurrentNode = WorkflowDefinition.EndNode;
            turn.Finish(RunStatus.Completed, error: null);
            return;
        }

        var node = turn.Run.Nodes[target];
        var limit = MaxIterations(turn);
        if (node.Iteration >= limit)
        {
            turn.Emit(RunEventTypes.System, target, node.Iteration, data: new JsonObject
            {
                ["message"] = "Max iterations reached",
                ["node"] = target,
                ["maxIterations"] = limit,
            });
            turn.Run.CurrentNode = WorkflowDefinition.EndNode;
            turn.Finish(RunStatus.Completed, error: null);
            return;
        }

        node.Iteration++;
        node.Attempts = 0;
        node.AttemptLimit = null;
        node.Items = null;
        node.SubRunId = null;
        node.TaskId = null;
        node.Status = NodeStatus.Ready;
        turn.Touch(target);
        turn.Run.CurrentNode = target;
    }

    /// <summary>The definition's <c>maxIterations</c>, else the state's <c>max_iterations</c>, else the engine's default.</summary>
    private static int MaxIterations(RunTurn turn)
    {
        if (turn.Definition.MaxIterations is { } fromDefinition)
        {
            return fromDefinition;
        }

        return ExpressionValues.TryGetNumber(turn.Run.State["max_iterations"], out var fromState) && fromState >= 1
            ? (int)Math.Min(fromState, DefinitionLimits.MaxIterations)
            : turn.Options.DefaultMaxIterations;
    }
}
