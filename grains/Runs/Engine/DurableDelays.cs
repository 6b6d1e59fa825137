using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Loops;

namespace Orchestrator.Runs.Engine;

/// <summary><c>delay</c> attempts that wait on the run's durable <c>delays</c> reminder instead of a timer in its
/// activation (<see cref="EngineOptions.DurableDelayFrom"/>): the attempt records when it ends, the reminder is armed for
/// the earliest such end (<see cref="RunState.DelaysDueAt"/>), and when it fires the attempts that fell due succeed with
/// no output, as a timer's would. Nothing is in flight meanwhile, so the run is collected while it waits, and the wait
/// survives restarts with its due time unchanged.</summary>
internal static class DurableDelays
{
    /// <summary>Starts the attempt of <paramref name="name"/> (or of its element) as a durable wait when it is a
    /// <c>delay</c> of at least <see cref="EngineOptions.DurableDelayFrom"/> with no node <c>timeout</c>; returns false
    /// (the attempt is launched as any other) otherwise.</summary>
    public static bool TryWait(RunTurn turn, string name, int? itemIndex, NodeDefinition definition, JsonObject config)
    {
        if (definition.Type != NodeTypes.Delay || definition.Timeout is not null
            || config["duration"] is not JsonValue value || !value.TryGetValue<string>(out var text)
            || !Duration.TryParse(text, out var duration) || duration < turn.Options.DurableDelayFrom)
        {
            return false;
        }

        var node = turn.Run.Nodes[name];
        var until = turn.Now + duration;
        if (itemIndex is { } index)
        {
            node.Items![index].WaitsUntil = until;
        }
        else
        {
            node.WaitsUntil = until;
        }

        turn.Touch(name);
        if (turn.Run.DelaysDueAt is not { } armed || until < armed)
        {
            turn.Run.DelaysDueAt = until;
            turn.Effect(new RunEffect.ArmReminder(RunReminders.Delays, duration));
        }

        return true;
    }

    /// <summary>The results of the durable delays that are due: attempts that succeeded with no output. The reminder is
    /// armed again for the earliest delay still waiting when that changed, and removed when none waits.</summary>
    public static List<NodeAttemptResult> Due(RunTurn turn)
    {
        var run = turn.Run;
        var due = new List<NodeAttemptResult>();
        if (run.DelaysDueAt is null)
        {
            return due;
        }

        DateTimeOffset? next = null;
        foreach (var (name, node) in run.Nodes)
        {
            if (node.Status != NodeStatus.Running)
            {
                continue;
            }

            if (node.Items is null)
            {
                Check(node.WaitsUntil, name, node.Iteration, node.Attempts, itemIndex: null);
                continue;
            }

            var from = node.FirstUnfinishedItem();
            var items = node.ActiveItems();
            for (var i = 0; i < items.Length; i++)
            {
                if (items[i].Status == NodeStatus.Running)
                {
                    Check(items[i].WaitsUntil, name, node.Iteration, items[i].Attempts, from + i);
                }
            }
        }

        if (next != run.DelaysDueAt)
        {
            run.DelaysDueAt = next;
            turn.Effect(next is { } at ? new RunEffect.ArmReminder(RunReminders.Delays, at - turn.Now) : new RunEffect.DisarmReminder(RunReminders.Delays));
        }

        return due;

        void Check(DateTimeOffset? waitsUntil, string name, int iteration, int attempt, int? itemIndex)
        {
            if (waitsUntil is not { } until)
            {
                return;
            }

            if (until <= turn.Now)
            {
                due.Add(new NodeAttemptResult { Node = name, Iteration = iteration, Attempt = attempt, ItemIndex = itemIndex, Succeeded = true });
            }
            else if (next is null || until < next)
            {
                next = until;
            }
        }
    }

    /// <summary>True when the run needs no activation until a reminder wakes it: it waits only on durable delays
    /// (<see cref="OnlyTheyWait"/>), and neither the earliest of them nor the run's timeout falls within
    /// <paramref name="within"/> of <paramref name="now"/> (a wake-up that near is left to the activation's timer).</summary>
    public static bool NeedNoActivation(RunState run, DateTimeOffset now, TimeSpan within) =>
        OnlyTheyWait(run) && run.DelaysDueAt - now >= within && (run.Deadline is null || run.Deadline - now >= within);

    /// <summary>True when the run waits on durable delays and on nothing else: every node under way is such a delay (or
    /// a forEach of them), none retries, and no loop runs.</summary>
    public static bool OnlyTheyWait(RunState run)
    {
        if (run.DelaysDueAt is null || run.Status is not (RunStatus.Running or RunStatus.Paused) || run.Loops.Values.Any(status => !status.IsEnded()))
        {
            return false;
        }

        foreach (var node in run.Nodes.Values)
        {
            switch (node.Status)
            {
                case NodeStatus.Running when node.Items is null:
                    if (node.WaitsUntil is null)
                    {
                        return false;
                    }

                    break;
                case NodeStatus.Running:
                    foreach (var item in node.ActiveItems())
                    {
                        if (item.Status != NodeStatus.Completed && (item.Status != NodeStatus.Running || item.WaitsUntil is null))
                        {
                            return false;
                        }
                    }

                    break;
                case NodeStatus.Retrying or NodeStatus.Ready:
                    return false;
            }
        }

        return true;
    }

    /// <summary>The run ended: its delays reminder, if armed, is removed.</summary>
    public static void Forget(RunTurn turn)
    {
        if (turn.Run.DelaysDueAt is not null)
        {
            turn.Run.DelaysDueAt = null;
            turn.Effect(new RunEffect.DisarmReminder(RunReminders.Delays));
        }
    }
}
