using Orchestrator.Definitions;

namespace Orchestrator.Runs.Engine;

/// <summary>Folds a run's event log back into the run's status and its nodes' statuses, to check that the log tells
/// what the state says. <c>ready</c> is not announced (a node whose turn has come but that has not started), so it
/// replays as <c>pending</c>: compare with <see cref="Normalize"/>.</summary>
internal static class RunEventReplay
{
    public static RunReplay Fold(WorkflowDefinition definition, IEnumerable<RunEvent> events)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(events);
        var loopNodes = definition.Loops.Values.SelectMany(loop => loop.Chain.Select(step => step.Node)).ToHashSet(StringComparer.Ordinal);
        var nodes = definition.Nodes.Keys.Where(name => !loopNodes.Contains(name)).ToDictionary(name => name, _ => NodeStatus.Pending, StringComparer.Ordinal);
        var status = RunStatus.Pending;
        foreach (var runEvent in events)
        {
            var whole = runEvent.Data?["itemIndex"] is null;
            switch (runEvent.Type)
            {
                case RunEventTypes.RunStarted or RunEventTypes.RunResumed:
                    status = RunStatus.Running;
                    break;
                case RunEventTypes.RunPaused:
                    status = RunStatus.Paused;
                    break;
                case RunEventTypes.RunCompleted:
                    status = RunStatus.Completed;
                    break;
                case RunEventTypes.RunFailed:
                    status = RunStatus.Failed;
                    break;
                case RunEventTypes.RunCancelled:
                    status = RunStatus.Cancelled;
                    break;
                case RunEventTypes.NodeStarted:
                    nodes[runEvent.Node!] = NodeStatus.Running;
                    break;
                case RunEventTypes.NodeCompleted when whole:
                    nodes[runEvent.Node!] = NodeStatus.Completed;
                    break;
                case RunEventTypes.NodeRetryScheduled when whole:
                    nodes[runEvent.Node!] = NodeStatus.Retrying;
                    break;
                case RunEventTypes.NodeFailed:
                    nodes[runEvent.Node!] = NodeStatus.Failed;
                    break;
                case RunEventTypes.NodeCancelled:
                    nodes[runEvent.Node!] = NodeStatus.Cancelled;
                    break;
                case RunEventTypes.NodeSkipped:
                    nodes[runEvent.Node!] = NodeStatus.Skipped;
                    break;
                case RunEventTypes.Transition when Read(runEvent, "to") is { } to && to != WorkflowDefinition.EndNode:
                    nodes[to] = NodeStatus.Pending;
                    break;
                case RunEventTypes.System when Read(runEvent, "errorId") is not null:
                    // A node retried by hand: a failed run goes on, and the nodes its failure stopped or skipped wait again.
                    if (status == RunStatus.Failed)
                    {
                        foreach (var name in nodes.Keys.Where(name => nodes[name] == NodeStatus.Skipped || (!definition.IsGraph && nodes[name] == NodeStatus.Cancelled)).ToList())
                        {
                            nodes[name] = NodeStatus.Pending;
                        }
                    }

                    status = status == RunStatus.Failed ? RunStatus.Running : status;
                    nodes[runEvent.Node!] = definition.Nodes[runEvent.Node!].ForEach is null ? NodeStatus.Pending : NodeStatus.Running;
                    break;
            }
        }

        return new RunReplay(status, nodes);
    }

    private static string? Read(RunEvent runEvent, string member) => runEvent.Data?[member]?.GetValue<string>();

    /// <summary>A node status as the log can tell it.</summary>
    public static NodeStatus Normalize(NodeStatus status) => status == NodeStatus.Ready ? NodeStatus.Pending : status;
}
