using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Expressions;
using Orchestrator.Loops;

namespace Orchestrator.Runs.Engine;

/// <summary>The working set of one command applied to a run: the state it changes, the time it happens at, and the
/// events, effects and changed nodes it collects. Lives for one <see cref="RunStateMachine.Apply"/> call.</summary>
internal sealed class RunTurn
{
    private readonly CachedDefinition _definition;
    private readonly List<RunEvent> _events = [];
    private readonly List<RunEffect> _effects = [];
    private readonly HashSet<string> _changedNodes = new(StringComparer.Ordinal);
    private ExpressionContext? _context;
    private bool _changed;

    public RunTurn(RunState run, CachedDefinition definition, ISchedulingStrategy scheduling, EngineOptions options, Random random, DateTimeOffset now)
    {
        Run = run;
        _definition = definition;
        Scheduling = scheduling;
        Options = options;
        Random = random;
        Now = now;
    }

    public RunState Run { get; }

    public WorkflowDefinition Definition => _definition.Definition;

    public ExpressionCache Expressions => _definition.Expressions;

    public ISchedulingStrategy Scheduling { get; }

    public EngineOptions Options { get; }

    /// <summary>Picks the jitter of retry delays.</summary>
    public Random Random { get; }

    /// <summary>When the command happens: every time the core writes or compares is this one.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>Appends an event (numbered after the last one of the run).</summary>
    public void Emit(string type, string? node = null, int? iteration = null, int? attempt = null, JsonNode? data = null)
    {
        _changed = true;
        _events.Add(new RunEvent
        {
            Seq = ++Run.EventSeq,
            Type = type,
            RunId = Run.RunId!,
            Node = node,
            Iteration = iteration,
            Attempt = attempt,
            Timestamp = Now,
            Data = data,
        });
    }

    public void Effect(RunEffect effect) => _effects.Add(effect);

    /// <summary>Notes that the state of <paramref name="node"/> changed.</summary>
    public void Touch(string node)
    {
        _changed = true;
        _changedNodes.Add(node);
    }

    /// <summary>Notes a change of the run outside its nodes and events (a loop's status, say).</summary>
    public void MarkChanged() => _changed = true;

    /// <summary>What expressions read now. Shared by every attempt started until the state changes again (evaluation never
    /// changes it, and it is a copy, so the run may change its state while attempts read this). <c>now()</c> reads the
    /// command's time.</summary>
    public ExpressionContext Context()
    {
        if (_context is not null)
        {
            return _context;
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

        return _context = new ExpressionContext
        {
            State = Run.StateCopy(),
            Input = Run.InputCopy(),
            Nodes = nodes,
            Clock = new FixedClock(Now),
        };
    }

    /// <summary>The state or a node's outcome changed: expressions evaluated from now on must see it.</summary>
    public void InvalidateContext() => _context = null;

    public void MergeIntoState(JsonObject values)
    {
        foreach (var (key, value) in values)
        {
            Run.SetStateValue(key, value?.DeepClone());
        }
    }

    /// <summary>Starts whatever is ready (within the parallel-attempt budget) and finishes the run when nothing is left.</summary>
    public void Advance()
    {
        if (Run.Status != RunStatus.Running)
        {
            return;
        }

        InvalidateContext();
        Scheduling.Promote(this);
        AttemptLauncher.LaunchReady(this);
        Scheduling.CompleteIfDone(this);
    }

    /// <summary>Ends the run: stops its loops, running attempts and sub-runs, and tells the parent run, if any. A run whose
    /// nodes completed while some of its loops still run ends when the last loop does.</summary>
    public void Finish(RunStatus status, string? error)
    {
        if (status == RunStatus.Completed && Run.Loops.Values.Any(loop => !loop.IsEnded()))
        {
            return;
        }

        if (status == RunStatus.Completed && Run.Loops.FirstOrDefault(pair => pair.Value == LoopStatus.Error).Key is { } erroredLoop)
        {
            // A loop that stopped on an error before the nodes were done fails the run all the same.
            status = RunStatus.Failed;
            error = $"loop '{erroredLoop}' stopped on an error: see the loop";
        }

        var loops = RunningLoopIds();
        if (loops.Count > 0)
        {
            Effect(new RunEffect.StopLoops(loops, $"run {Run.RunId} {RunState.StatusName(status)}" + (error is null ? "" : $": {error}")));
        }

        Run.Status = status;
        Run.Error = error;
        Run.FinishedAt = Now;
        var subRunReason = $"parent run {Run.RunId} ended: {error ?? "cancelled"}";
        foreach (var (name, node) in Run.Nodes)
        {
            foreach (var item in node.Items ?? [])
            {
                if (item.Status is NodeStatus.Running or NodeStatus.Retrying || (status == RunStatus.Cancelled && item.Status is NodeStatus.Pending or NodeStatus.Ready))
                {
                    item.Status = NodeStatus.Cancelled;
                    Touch(name);
                }

                CancelSubRun(item.SubRunId, subRunReason);
                WorkerTasks.Cancel(this, item.TaskId, subRunReason);
            }

            if (node.Status is NodeStatus.Running or NodeStatus.Retrying)
            {
                Emit(RunEventTypes.NodeCancelled, name, node.Iteration, node.Attempts);
                node.Status = NodeStatus.Cancelled;
                node.FinishedAt = Now;
                Touch(name);
                CancelSubRun(node.SubRunId, subRunReason);
                WorkerTasks.Cancel(this, node.TaskId, subRunReason);
            }
            else if (status != RunStatus.Completed && node.Status is NodeStatus.Pending or NodeStatus.Ready)
            {
                // A node that will never run now says so (a retry by hand of the failed node reopens it).
                var reason = status == RunStatus.Cancelled ? "the run was cancelled" : $"the run failed: {error}";
                node.Status = NodeStatus.Skipped;
                node.Error = reason;
                node.FinishedAt = Now;
                Emit(RunEventTypes.NodeSkipped, name, node.Iteration > 0 ? node.Iteration : null, data: new JsonObject { ["reason"] = reason });
                Touch(name);
            }
        }

        Effect(new RunEffect.CancelAllAttempts());
        DurableDelays.Forget(this);
        var type = status switch
        {
            RunStatus.Completed => RunEventTypes.RunCompleted,
            RunStatus.Cancelled => RunEventTypes.RunCancelled,
            _ => RunEventTypes.RunFailed,
        };
        Emit(type, data: new JsonObject { ["state"] = Run.State.DeepClone(), ["error"] = error, ["currentNode"] = Run.CurrentNode });
        if (Run.Deadline is not null)
        {
            Effect(new RunEffect.DisarmReminder(RunReminders.RunTimeout));
        }

        if (Run.Parent is { } parent)
        {
            Effect(new RunEffect.NotifyParent(parent.RunId));
        }
    }

    /// <summary>The ids of the run's loops that have not ended.</summary>
    public List<string> RunningLoopIds() =>
        [.. Run.Loops.Where(pair => !pair.Value.IsEnded()).Select(pair => LoopIds.For(Run.RunId!, pair.Key))];

    public RunTransition ToTransition() => new()
    {
        State = Run,
        Changed = _changed,
        Events = _events,
        Effects = _effects,
        ChangedNodes = _changedNodes,
    };

    private void CancelSubRun(string? subRunId, string reason)
    {
        if (subRunId is not null)
        {
            Effect(new RunEffect.CancelSubRun(subRunId, reason));
        }
    }
}
