using Orchestrator.Definitions;

namespace Orchestrator.Runs.Engine;

/// <summary>DAG mode: a node becomes ready once each of its dependencies completed, was skipped, or failed with
/// <c>onFailure: continue</c>; independent nodes run in parallel; the run completes when every node is done.</summary>
internal sealed class DagScheduling : ISchedulingStrategy
{
    public static DagScheduling Instance { get; } = new();

    /// <inheritdoc/>
    public void Begin(RunTurn turn)
    {
    }

    /// <inheritdoc/>
    public void Promote(RunTurn turn)
    {
        foreach (var (name, node) in turn.Run.Nodes)
        {
            if (node.Status == NodeStatus.Pending && turn.Definition.Nodes[name].DependsOn.All(dependency => IsSatisfied(turn, dependency)))
            {
                node.Status = NodeStatus.Ready;
                turn.Touch(name);
            }
        }
    }

    /// <inheritdoc/>
    public void CompleteIfDone(RunTurn turn)
    {
        if (turn.Run.Status == RunStatus.Running && NodesDone(turn.Run))
        {
            turn.Finish(RunStatus.Completed, error: null);
        }
    }

    /// <inheritdoc/>
    public void Settled(RunTurn turn, string node)
    {
    }

    /// <inheritdoc/>
    public bool NodesDone(RunState run) => run.Nodes.Values.All(node => node.Status.IsFinished());

    /// <inheritdoc/>
    public void Reopen(RunTurn turn, string node)
    {
        // Nodes stopped or skipped by the failure run again once their dependencies are met.
        foreach (var (name, other) in turn.Run.Nodes)
        {
            if (other.Status is NodeStatus.Cancelled or NodeStatus.Skipped)
            {
                other.Status = NodeStatus.Pending;
                other.Attempts = 0;
                other.Error = null;
                other.FinishedAt = null;
                turn.Touch(name);
            }
        }
    }

    private static bool IsSatisfied(RunTurn turn, string dependency)
    {
        var node = turn.Run.Nodes[dependency];
        return node.Status is NodeStatus.Completed or NodeStatus.Skipped ||
            (node.Status == NodeStatus.Failed && turn.Definition.Nodes[dependency].OnFailure == FailurePolicies.Continue);
    }
}
