using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Loops;

namespace Orchestrator.Runs.Engine;

/// <summary>The engine's core: applies one <see cref="RunCommand"/> to a run's state and says what follows — events to
/// append, effects to carry out, nodes changed. Pure: no grain, no I/O, no clock but the time given with the command, no
/// randomness but the <see cref="Random"/> given (retry jitter). The state is changed in place and returned (copying a
/// run of 10,000 forEach elements for every result would cost what batching results saves); a caller whose write fails
/// reads the stored state again. A command the run's state refuses throws <see cref="RunConflictException"/> (or
/// <see cref="RunNotFoundException"/>) before anything changed.</summary>
internal sealed class RunStateMachine(CachedDefinition definition, EngineOptions options, Random random)
{
    private readonly ISchedulingStrategy _scheduling = definition.Definition.IsGraph ? GraphScheduling.Instance : DagScheduling.Instance;

    public WorkflowDefinition Definition => definition.Definition;

    /// <summary>The sub-runs that nodes of <paramref name="run"/> wait for, whose outcome <see cref="RunCommand.Recover"/>
    /// must carry.</summary>
    public static IReadOnlyList<string> SubRunsToCheck(RunState run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var subRuns = new List<string>();
        foreach (var node in run.Nodes.Values.Where(node => node.Status == NodeStatus.Running))
        {
            if (node.Items is { } items)
            {
                subRuns.AddRange(items.Where(item => item.Status == NodeStatus.Running && item.SubRunId is not null).Select(item => item.SubRunId!));
            }
            else if (node.SubRunId is not null)
            {
                subRuns.Add(node.SubRunId);
            }
        }

        return subRuns;
    }

    /// <summary>Applies <paramref name="command"/> to <paramref name="run"/> at <paramref name="now"/>.</summary>
    public RunTransition Apply(RunState run, RunCommand command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(command);
        var turn = new RunTurn(run, definition, _scheduling, options, random, now);
        if (command is RunCommand.Start start)
        {
            if (!run.Exists)
            {
                Start(turn, start);
            }

            return turn.ToTransition();
        }

        if (!run.Exists)
        {
            return command is RunCommand.AttemptsFinished or RunCommand.AttemptProgressed or RunCommand.SubRunEnded or RunCommand.RetriesDue or RunCommand.RunTimedOut or RunCommand.Recover
                    or RunCommand.TaskProgressed
                ? turn.ToTransition()
                : throw new RunNotFoundException("The run does not exist; only a start creates it.");
        }

        switch (command)
        {
            case RunCommand.AttemptsFinished finished:
                ApplyResults(turn, finished.Results);
                break;
            case RunCommand.AttemptProgressed progressed:
                AttemptProgressRecording.Apply(turn, progressed.Progress);
                break;
            case RunCommand.SubRunEnded ended:
                ApplyResults(turn, [SubRunResult(run, ended.ChildRunId, ended.Child)]);
                break;
            case RunCommand.TaskProgressed progressed when !run.Status.IsFinished():
                WorkerTasks.Progressed(turn, progressed.Progress);
                break;
            case RunCommand.RetriesDue when !run.Status.IsFinished():
                // Durable delays end while the run is paused too, as their timers would; retries start only when it runs.
                ApplyResults(turn, DurableDelays.Due(turn));
                if (run.Status == RunStatus.Running && AttemptLauncher.ReleaseDueRetries(turn))
                {
                    turn.Advance();
                }

                break;
            case RunCommand.RunTimedOut when !run.Status.IsFinished():
                turn.Finish(RunStatus.Failed, $"run timed out after {Definition.Timeout}");
                break;
            case RunCommand.Signal signal:
                Signal(turn, signal);
                break;
            case RunCommand.Pause:
                Pause(turn);
                break;
            case RunCommand.Resume:
                Resume(turn);
                break;
            case RunCommand.Cancel cancel when !run.Status.IsFinished():
                turn.Finish(RunStatus.Cancelled, string.IsNullOrWhiteSpace(cancel.Reason) ? "cancelled" : cancel.Reason);
                break;
            case RunCommand.LoopEnded loopEnded:
                LoopEnded(turn, loopEnded);
                break;
            case RunCommand.RetryNode retry:
                RunRecovery.RetryNode(turn, retry.Node, retry.ErrorId);
                break;
            case RunCommand.Recover recover when run.Status is RunStatus.Running or RunStatus.Paused:
                RunRecovery.Recover(turn, recover.SubRuns);
                break;
        }

        return turn.ToTransition();
    }

    /// <summary>The result that the end of a sub-run is to the node attempt waiting for it.</summary>
    public static NodeAttemptResult SubRunResult(RunState run, string childRunId, RunSnapshot child)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(child);
        var link = child.Parent ?? throw new ArgumentException($"Run {childRunId} is not a sub-run.", nameof(child));
        // The link names the element; a sub-run started before links did is found by the id its element recorded.
        var items = run.Nodes.TryGetValue(link.Node, out var node) ? node.Items : null;
        var index = link.ItemIndex ?? items?.FindIndex(item => item.SubRunId == childRunId) ?? -1;
        return AttemptOutcomes.SubRunEnded(link.Node, link.Iteration, link.Attempt, index >= 0 ? index : null, childRunId, child);
    }

    private static void Start(RunTurn turn, RunCommand.Start command)
    {
        var run = turn.Run;
        var definition = turn.Definition;
        var state = new JsonObject();
        foreach (var (key, value) in definition.State)
        {
            state[key] = JsonNode.Parse(value.GetRawText());
        }

        if (command.Input is JsonObject input)
        {
            foreach (var (key, value) in input)
            {
                state[key] = value?.DeepClone();
            }
        }

        run.RunId = command.RunId;
        run.Workflow = command.Workflow;
        run.Version = command.Version;
        run.Status = RunStatus.Running;
        run.Input = command.Input?.DeepClone();
        run.State = state;
        run.CreatedAt = turn.Now;
        run.StartedAt = turn.Now;
        run.IdempotencyKey = command.IdempotencyKey;
        run.Parent = command.Parent;
        run.TriggeredBy = command.TriggeredBy ?? (command.Parent is { } parent ? $"run:{parent.RunId}" : RunState.DefaultTrigger);
        run.Trace = command.Trace;
        var loopNodes = definition.Loops.Values.SelectMany(loop => loop.Chain.Select(step => step.Node)).ToHashSet(StringComparer.Ordinal);
        run.Nodes = definition.Nodes.Keys.Where(name => !loopNodes.Contains(name)).ToDictionary(name => name, _ => new NodeRunState(), StringComparer.Ordinal);
        if (definition.Timeout is { } timeout)
        {
            var limit = Duration.Parse(timeout);
            run.Deadline = turn.Now + limit;
            turn.Effect(new RunEffect.ArmReminder(RunReminders.RunTimeout, limit));
        }

        turn.Emit(RunEventTypes.RunCreated, data: new JsonObject { ["workflow"] = run.Workflow, ["version"] = run.Version, ["input"] = run.Input?.DeepClone() });
        turn.Emit(RunEventTypes.RunStarted, data: new JsonObject { ["state"] = run.State.DeepClone(), ["traceId"] = run.Trace?.TraceId });
        foreach (var name in definition.Loops.Keys)
        {
            run.Loops[name] = LoopStatus.Running;
            turn.Emit(RunEventTypes.LoopStarted, data: new JsonObject { ["loop"] = name, ["loopId"] = LoopIds.For(run.RunId, name) });
        }

        if (run.Loops.Count > 0)
        {
            turn.Effect(new RunEffect.StartLoops(LoopStarts(run)));
        }

        turn.Scheduling.Begin(turn);
        turn.Advance();
    }

    /// <summary>Applies results in order, then starts what they made ready.</summary>
    private static void ApplyResults(RunTurn turn, IReadOnlyList<NodeAttemptResult> results)
    {
        var changed = false;
        foreach (var result in results)
        {
            changed |= AttemptOutcomes.Apply(turn, result);
        }

        if (changed)
        {
            turn.Advance();
        }
    }

    private static void Signal(RunTurn turn, RunCommand.Signal signal)
    {
        var run = turn.Run;
        if (run.Status.IsFinished())
        {
            throw Refused(run, "it takes no signals");
        }

        if (string.IsNullOrEmpty(signal.Name))
        {
            if (signal.Data is not JsonObject values)
            {
                throw new ArgumentException("A signal without a name must carry an object, whose properties are merged into the state.", nameof(signal));
            }

            turn.MergeIntoState(values);
        }
        else
        {
            run.SetStateValue(signal.Name, signal.Data?.DeepClone());
        }

        turn.Emit(RunEventTypes.RunSignalled, data: new JsonObject { ["name"] = signal.Name, ["data"] = signal.Data?.DeepClone() });
        turn.Advance();
    }

    private static void Pause(RunTurn turn)
    {
        var run = turn.Run;
        if (run.Status != RunStatus.Running)
        {
            throw Refused(run, "only a running run can be paused");
        }

        run.Status = RunStatus.Paused;
        turn.Emit(RunEventTypes.RunPaused);
        if (turn.RunningLoopIds() is { Count: > 0 } loops)
        {
            // The answer shows what the pause produced: the run's loops are paused with it.
            SetLoops(turn, LoopStatus.Running, LoopStatus.Paused);
            turn.Effect(new RunEffect.PauseLoops(loops, $"run {run.RunId} paused"));
        }
    }

    private static void Resume(RunTurn turn)
    {
        var run = turn.Run;
        if (run.Status != RunStatus.Paused)
        {
            throw Refused(run, "only a paused run can be resumed");
        }

        run.Status = RunStatus.Running;
        turn.Emit(RunEventTypes.RunResumed);
        if (turn.RunningLoopIds() is { Count: > 0 } loops)
        {
            SetLoops(turn, LoopStatus.Paused, LoopStatus.Running);
            turn.Effect(new RunEffect.ResumeLoops(loops));
        }

        AttemptLauncher.ReleaseDueRetries(turn);
        turn.Advance();
    }

    /// <summary>Moves the run's loops that are <paramref name="from"/> to <paramref name="to"/> (ended loops stay as they are).</summary>
    private static void SetLoops(RunTurn turn, LoopStatus from, LoopStatus to)
    {
        foreach (var name in turn.Run.Loops.Where(pair => pair.Value == from).Select(pair => pair.Key).ToList())
        {
            turn.Run.Loops[name] = to;
            turn.MarkChanged();
        }
    }

    private static void LoopEnded(RunTurn turn, RunCommand.LoopEnded ended)
    {
        var run = turn.Run;
        if (!run.Loops.TryGetValue(ended.Loop, out var known) || known.IsEnded() || !ended.Status.IsEnded())
        {
            return;
        }

        run.Loops[ended.Loop] = ended.Status;
        turn.MarkChanged();
        turn.Emit(RunEventTypes.LoopEnded, data: new JsonObject
        {
            ["loop"] = ended.Loop,
            ["loopId"] = LoopIds.For(run.RunId!, ended.Loop),
            ["status"] = ended.Status.Name(),
            ["reason"] = ended.Reason,
        });
        if (!run.Status.IsFinished() && run.Loops.Values.All(status => status.IsEnded()) && turn.Scheduling.NodesDone(run))
        {
            var failed = run.Loops.FirstOrDefault(pair => pair.Value == LoopStatus.Error);
            if (failed.Key is { } name)
            {
                turn.Finish(RunStatus.Failed, $"loop '{name}' stopped on an error: {(name == ended.Loop ? ended.Reason : "see the loop")}");
            }
            else
            {
                turn.Finish(RunStatus.Completed, error: null);
            }
        }
    }

    private static RunConflictException Refused(RunState run, string why) =>
        new(run.RunId!, $"Run {run.RunId} is {RunState.StatusName(run.Status)}; {why}.");

    /// <summary>The start commands of the loops not ended yet.</summary>
    public static List<StartLoop> LoopStarts(RunState run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return [.. run.Loops.Where(pair => !pair.Value.IsEnded())
            .Select(pair => new StartLoop { RunId = run.RunId!, Workflow = run.Workflow, Version = run.Version, Loop = pair.Key })];
    }
}
