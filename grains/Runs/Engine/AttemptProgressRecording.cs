using System.Text.Json.Nodes;

namespace Orchestrator.Runs.Engine;

/// <summary>Progress that running attempts record on their node (<see cref="NodeAttemptProgress"/>): kept on the node or
/// element, announced as a <c>node.progress</c> event, handed to the node's next attempt, and, when it says the attempt
/// only waits, freeing the attempt's parallel-attempt slot and letting it resume after a restart.</summary>
internal static class AttemptProgressRecording
{
    /// <summary>Records <paramref name="progress"/>; returns false when it is stale (the attempt is not the current one of
    /// its node or element, or the run ended).</summary>
    public static bool Apply(RunTurn turn, NodeAttemptProgress progress)
    {
        var run = turn.Run;
        if (run.Status.IsFinished() || !run.Nodes.TryGetValue(progress.Node, out var node) || node.Iteration != progress.Iteration)
        {
            return false;
        }

        AttemptProgressState? previous;
        if (progress.ItemIndex is { } index)
        {
            if (node.Items is not { } items || index < 0 || index >= items.Count
                || items[index].Status != NodeStatus.Running || items[index].Attempts != progress.Attempt)
            {
                return false;
            }

            previous = items[index].Progress;
            items[index].Progress = ToState(progress);
        }
        else
        {
            if (node.Status != NodeStatus.Running || node.Attempts != progress.Attempt)
            {
                return false;
            }

            previous = node.Progress;
            node.Progress = ToState(progress);
        }

        turn.Touch(progress.Node);
        var data = new JsonObject { ["progress"] = progress.Data.DeepClone(), ["waiting"] = progress.Waiting };
        if (progress.ItemIndex is not null)
        {
            data["itemIndex"] = progress.ItemIndex;
        }

        turn.Emit(RunEventTypes.NodeProgress, progress.Node, progress.Iteration, progress.Attempt, data);
        if (progress.Waiting && previous?.WaitingFor(progress.Iteration, progress.Attempt) != true)
        {
            // The attempt gave its slot back: a node waiting for one may start.
            turn.Advance();
        }

        return true;
    }

    /// <summary>The progress an attempt of <paramref name="iteration"/> starts from: what an attempt of the same iteration
    /// recorded, else none.</summary>
    public static JsonObject? For(AttemptProgressState? progress, int iteration) =>
        progress is not null && progress.Iteration == iteration ? progress.Data.DeepClone().AsObject() : null;

    private static AttemptProgressState ToState(NodeAttemptProgress progress) => new()
    {
        Iteration = progress.Iteration,
        Attempt = progress.Attempt,
        Data = progress.Data.DeepClone().AsObject(),
        Waiting = progress.Waiting,
    };
}
