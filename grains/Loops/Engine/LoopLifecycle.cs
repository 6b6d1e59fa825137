using Orchestrator.Definitions;
using Orchestrator.Loops.Producers;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;

namespace Orchestrator.Loops.Engine;

/// <summary>The loop's core: applies one <see cref="LoopCommand"/> to a loop's state and says what follows — the runner
/// to start, pause, resume or stop, the state to write, the queue consumer to remove, the run to tell, the lines to log.
/// Pure: no grain, no I/O, no clock but the time given. The state is changed in place. A command the loop's state
/// refuses throws <see cref="LoopConflictException"/> (or <see cref="LoopNotFoundException"/>) before anything changed.
/// However a loop ends (stopped by a person or its run, its producer finished or failed, a node failed with
/// <c>onError: stop</c>, its runner could not start, its run had ended while it was away), the end is one path: the runner
/// stops, the end is written, the queue consumer goes and the run is told.</summary>
internal static class LoopLifecycle
{
    /// <summary>The level of a loop's log line about its lifecycle.</summary>
    public const string Info = "info";

    /// <summary>The level of the line of a loop that ended in error.</summary>
    public const string Error = "error";

    /// <summary>Applies <paramref name="command"/> to <paramref name="loop"/> at <paramref name="now"/>.</summary>
    public static LoopTransition Apply(LoopState loop, LoopCommand command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(command);
        var effects = new List<LoopEffect>();
        if (command is LoopCommand.Start start)
        {
            if (!loop.Exists)
            {
                Start(loop, start, now, effects);
            }

            return new LoopTransition(loop, effects);
        }

        if (!loop.Exists)
        {
            return command is LoopCommand.Pause or LoopCommand.Resume or LoopCommand.Stop or LoopCommand.RetryNode
                ? throw new LoopNotFoundException("The loop does not exist; only a start creates it.")
                : new LoopTransition(loop, effects);
        }

        switch (command)
        {
            case LoopCommand.Pause pause:
                Refuse(loop, "only a running loop can be paused");
                if (loop.Status != LoopStatus.Paused)
                {
                    Pause(loop, string.IsNullOrWhiteSpace(pause.Reason) ? "paused" : pause.Reason, effects);
                }

                break;
            case LoopCommand.Resume:
                Refuse(loop, "only a paused loop can be resumed");
                if (loop.Status == LoopStatus.Paused)
                {
                    loop.Status = LoopStatus.Running;
                    loop.Reason = null;
                    effects.Add(new LoopEffect.Log(Info, "resumed"));
                    effects.Add(new LoopEffect.WriteState());
                    effects.Add(new LoopEffect.ResumeRunner());
                }

                break;
            case LoopCommand.Stop stop when !loop.Status.IsEnded():
                End(loop, LoopStatus.Stopped, string.IsNullOrWhiteSpace(stop.Reason) ? "stopped" : stop.Reason, now, effects);
                break;
            case LoopCommand.RetryNode retry:
                Refuse(loop, "a node of an ended loop cannot be retried");
                effects.Add(new LoopEffect.Log(Info, $"retrying for error record {retry.ErrorId}", retry.Node, retry.Iteration));
                effects.Add(new LoopEffect.RetryOnRunner(retry.Node, retry.Iteration, retry.Input, retry.ErrorId));
                break;
            case LoopCommand.ReserveIterations reserve when reserve.UpTo > loop.ReservedIterations:
                loop.ReservedIterations = reserve.UpTo;
                effects.Add(new LoopEffect.WriteState());
                break;
            case LoopCommand.Activated activated when !loop.Status.IsEnded():
                if (activated.RunStatus.IsFinished())
                {
                    // The run ended while this loop's stop was on its way (the silo died in between).
                    End(loop, LoopStatus.Stopped, $"run {loop.RunId} is {RunState.StatusName(activated.RunStatus)}", now, effects);
                }
                else
                {
                    effects.Add(new LoopEffect.Log(Info, $"resuming after the silo started again ({loop.Status.Name()})"));
                    StartRunner(loop, effects);
                }

                break;
            case LoopCommand.RunnerFailedToStart failed when !loop.Status.IsEnded():
                End(loop, LoopStatus.Error, $"the loop could not start: {failed.Error}", now, effects);
                break;
            case LoopCommand.RunnerPaused paused when !loop.Status.IsEnded():
                if (loop.Status == LoopStatus.Running)
                {
                    Pause(loop, paused.Reason ?? "paused", effects);
                }
                else
                {
                    effects.Add(new LoopEffect.WriteState(OnlyIfChanged: true));
                }

                break;
            case LoopCommand.RunnerEnded ended when !loop.Status.IsEnded():
                if (!ended.Status.IsEnded())
                {
                    throw new ArgumentException($"A runner ends its loop as stopped or error, not {ended.Status.Name()}.", nameof(command));
                }

                End(loop, ended.Status, ended.Reason ?? ended.Status.Name(), now, effects);
                break;
            case LoopCommand.Checkpoint when !loop.Status.IsEnded():
                effects.Add(new LoopEffect.WriteState(OnlyIfChanged: true));
                break;
        }

        return new LoopTransition(loop, effects);
    }

    private static void Start(LoopState loop, LoopCommand.Start start, DateTimeOffset now, List<LoopEffect> effects)
    {
        var command = start.Loop;
        if (start.LoopId != LoopIds.For(command.RunId, command.Loop))
        {
            throw new ArgumentException(
                $"Loop grain '{start.LoopId}' cannot start loop '{command.Loop}' of run {command.RunId}: its key must be {LoopIds.For(command.RunId, command.Loop)}.",
                nameof(start));
        }

        if (!start.Definition.Loops.TryGetValue(command.Loop, out var definition))
        {
            throw new ArgumentException($"Workflow '{command.Workflow}' version {command.Version} has no loop '{command.Loop}'.", nameof(start));
        }

        loop.Id = start.LoopId;
        loop.RunId = command.RunId;
        loop.Workflow = command.Workflow;
        loop.Version = command.Version;
        loop.Loop = command.Loop;
        loop.Pool = definition.Pool;
        loop.Producer = definition.Producer.Type;
        loop.Queue = definition.Producer.Queue;
        loop.MaxInFlight = definition.MaxInFlight ?? LoopRunnerSetup.DefaultMaxInFlight;
        loop.Status = LoopStatus.Running;
        loop.CreatedAt = now;
        loop.StartedAt = now;
        effects.Add(new LoopEffect.Log(Info, $"started: pool {definition.Pool}, producer {definition.Producer.Type}, {definition.Chain.Count} node(s)"));
        StartRunner(loop, effects);
    }

    /// <summary>A new runner: a new epoch (its iterations are named apart from those of earlier runners), and numbers
    /// reserved above any an earlier runner may have handed out, written before the runner starts.</summary>
    private static void StartRunner(LoopState loop, List<LoopEffect> effects)
    {
        loop.Epoch++;
        var lastNumber = Math.Max(loop.Counters.Iterations, loop.ReservedIterations);
        loop.ReservedIterations = lastNumber + IterationReservations.MinimumBlock;
        effects.Add(new LoopEffect.WriteState());
        effects.Add(new LoopEffect.StartRunner(loop.Status == LoopStatus.Paused, lastNumber));
    }

    private static void Pause(LoopState loop, string reason, List<LoopEffect> effects)
    {
        effects.Add(new LoopEffect.PauseRunner());
        loop.Status = LoopStatus.Paused;
        loop.Reason = reason;
        effects.Add(new LoopEffect.Log(Info, $"paused: {reason}"));
        effects.Add(new LoopEffect.WriteState());
    }

    /// <summary>The one way a loop ends: the runner stops, the end is written, the queue consumer goes, the run is told.</summary>
    private static void End(LoopState loop, LoopStatus status, string reason, DateTimeOffset now, List<LoopEffect> effects)
    {
        effects.Add(new LoopEffect.StopRunner());
        loop.Status = status;
        loop.Reason = reason;
        loop.StoppedAt = now;
        effects.Add(new LoopEffect.Log(status == LoopStatus.Error ? Error : Info, $"stopped: {reason}"));
        effects.Add(new LoopEffect.WriteState());
        if (loop.Queue is { } queue)
        {
            effects.Add(new LoopEffect.RemoveQueueConsumer(queue, QueueProducer.ConsumerOf(loop.Id!)));
        }

        effects.Add(new LoopEffect.NotifyRunEnded(loop.RunId, loop.Loop, status, reason));
    }

    private static void Refuse(LoopState loop, string rule)
    {
        if (loop.Status.IsEnded())
        {
            throw new LoopConflictException(loop.Id!, $"Loop {loop.Id} is {loop.Status.Name()}; {rule}.");
        }
    }
}
