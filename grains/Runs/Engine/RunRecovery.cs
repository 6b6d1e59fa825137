using System.Text.Json.Nodes;
using Orchestrator.Loops;

namespace Orchestrator.Runs.Engine;

/// <summary>Runs that go on after something went wrong: a failed node retried by its error record, and a run activated
/// again after its silo stopped.</summary>
internal static class RunRecovery
{
    private const string Interrupted = "interrupted: the silo stopped while the attempt ran";

    /// <summary>Runs a failed node again with a fresh round of its retry policy; a failed run goes on from there.</summary>
    public static void RetryNode(RunTurn turn, string name, string errorId)
    {
        var run = turn.Run;
        if (!run.Nodes.TryGetValue(name, out var node))
        {
            throw new RunNotFoundException(run.RunId!, $"Run {run.RunId} has no node '{name}'.");
        }

        if (node.Status != NodeStatus.Failed || run.Status is RunStatus.Cancelled or RunStatus.Completed)
        {
            throw new RunConflictException(run.RunId!,
                $"Node '{name}' of run {run.RunId} is {RunState.StatusName(node.Status)} in a {RunState.StatusName(run.Status)} run; only a failed node of a failed or running run can be retried.");
        }

        // Attempt numbers keep rising, so idempotency keys stay unique.
        var policy = RetryPolicy.From(turn.Definition.Nodes[name].Retry);
        node.RecoveringErrorId = errorId;
        node.Error = null;
        node.FinishedAt = null;
        if (node.Items is { } items)
        {
            node.AttemptLimit = items.Max(i => i.Attempts) + policy.MaxAttempts;
            foreach (var item in items.Where(i => i.Status is NodeStatus.Failed or NodeStatus.Cancelled))
            {
                item.Status = NodeStatus.Pending;
                item.Error = null;
            }

            node.Status = NodeStatus.Running;
        }
        else
        {
            node.AttemptLimit = node.Attempts + policy.MaxAttempts;
            node.Status = NodeStatus.Ready;
        }

        turn.Touch(name);
        if (run.Status == RunStatus.Failed)
        {
            run.Status = RunStatus.Running;
            run.Error = null;
            run.FinishedAt = null;
            turn.Scheduling.Reopen(turn, name);
        }

        turn.Emit(RunEventTypes.System, name, node.Iteration, data: new JsonObject
        {
            ["message"] = $"node '{name}' retried for error record {errorId}",
            ["errorId"] = errorId,
        });
        turn.Advance();
    }

    /// <summary>After a restart: attempts that were running are retried with the next attempt number (their work may have
    /// been done — effects are at least once), except those that had recorded that they only wait on work done elsewhere
    /// (a submitted job), which are resumed as they were (<see cref="AttemptLauncher.Resume"/>); nodes waiting for a
    /// sub-run or a worker task go on waiting, or take the sub-run's end if it ended meanwhile (a task's queue is asked,
    /// see <see cref="WorkerTasks"/>); durable delays go on waiting for their reminder, and those that fell due end; due
    /// retries are released and the run's loops started or resumed. The <c>run.recovered</c> event says what was
    /// interrupted and resumed; a run that waited only on durable delays gets none (it is activated again whenever one
    /// ends or it is called, and nothing was interrupted).</summary>
    public static void Recover(RunTurn turn, IReadOnlyDictionary<string, RunSnapshot?> subRuns)
    {
        var run = turn.Run;
        var interrupted = 0;
        var resumed = 0;
        var waitsOnlyOnDelays = DurableDelays.OnlyTheyWait(run);
        foreach (var (name, node) in run.Nodes)
        {
            if (node.Status != NodeStatus.Running)
            {
                continue;
            }

            if (node.Items is { } items)
            {
                for (var i = 0; i < items.Count; i++)
                {
                    if (items[i].Status == NodeStatus.Running && items[i].WaitsUntil is not null)
                    {
                        // A durable delay goes on waiting for its reminder.
                        continue;
                    }

                    if (items[i].Status != NodeStatus.Running || ResumeSubRun(turn, name, node, i, items[i].SubRunId, items[i].Attempts, subRuns)
                        || WorkerTasks.GoesOnWaiting(turn, name, node, i, items[i].TaskId, items[i].Attempts))
                    {
                        continue;
                    }

                    if (items[i].Progress?.WaitingFor(node.Iteration, items[i].Attempts) == true)
                    {
                        resumed++;
                        AttemptLauncher.Resume(turn, name, i);
                    }
                    else
                    {
                        interrupted++;
                        RetryNow(turn, name, node, i);
                    }
                }
            }
            else if (node.WaitsUntil is null // a durable delay goes on waiting for its reminder
                && !ResumeSubRun(turn, name, node, null, node.SubRunId, node.Attempts, subRuns)
                && !WorkerTasks.GoesOnWaiting(turn, name, node, null, node.TaskId, node.Attempts))
            {
                if (node.Progress?.WaitingFor(node.Iteration, node.Attempts) == true)
                {
                    resumed++;
                    AttemptLauncher.Resume(turn, name, null);
                }
                else
                {
                    interrupted++;
                    RetryNow(turn, name, node, null);
                }
            }
        }

        if (!waitsOnlyOnDelays || interrupted + resumed > 0)
        {
            // A run that waits only on durable delays is activated again when one ends or when it is called; there is
            // nothing to recover then, and no write is made for it.
            turn.Emit(RunEventTypes.RunRecovered, data: new JsonObject { ["interruptedAttempts"] = interrupted, ["resumedAttempts"] = resumed });
        }

        foreach (var result in DurableDelays.Due(turn))
        {
            AttemptOutcomes.Apply(turn, result);
        }

        if (run.Status == RunStatus.Running)
        {
            AttemptLauncher.ReleaseDueRetries(turn);
        }

        turn.Advance();
        if (run.Loops.Values.Any(status => !status.IsEnded()))
        {
            // Starts the loops not started yet (the silo stopped between the run's first write and their start), which
            // also activates the others, resuming them; a loop that ended meanwhile reports it.
            turn.Effect(new RunEffect.StartLoops(RunStateMachine.LoopStarts(run)));
        }
    }

    /// <summary>The interrupted attempt counts as failed; its retry, if the policy grants one, is due at once.</summary>
    private static void RetryNow(RunTurn turn, string name, NodeRunState node, int? itemIndex)
    {
        AttemptOutcomes.HandleAttemptFailure(turn, name, itemIndex, Interrupted);
        if (itemIndex is { } index)
        {
            node.Items![index].NextAttemptAt = turn.Now;
        }
        else
        {
            node.NextAttemptAt = turn.Now;
        }
    }

    /// <summary>True when the attempt waits for a sub-run that still runs (or whose end was just applied).</summary>
    private static bool ResumeSubRun(
        RunTurn turn, string name, NodeRunState node, int? itemIndex, string? subRunId, int attempt, IReadOnlyDictionary<string, RunSnapshot?> subRuns)
    {
        if (subRunId is null || !subRuns.TryGetValue(subRunId, out var child) || child is null)
        {
            return false;
        }

        if (child.Status.IsFinished())
        {
            AttemptOutcomes.Apply(turn, AttemptOutcomes.SubRunEnded(name, node.Iteration, attempt, itemIndex, subRunId, child));
        }

        return true;
    }
}
