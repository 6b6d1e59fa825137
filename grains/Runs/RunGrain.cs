using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Diagnostics;
using Orchestrator.Errors;
using Orchestrator.Loops;
using Orchestrator.Providers.Hosting;
using Orchestrator.Providers.Storage;
using Orchestrator.Reminders;
using Orchestrator.Runs.Engine;
using Orchestrator.Workflows;

namespace Orchestrator.Runs;

/// <summary>One run of a workflow, carrying out what its core (<see cref="RunStateMachine"/>) decides. Every change
/// follows one pattern: apply a command to the core, write the new state and its events in one write, then announce the
/// events and carry out the effects. Attempts run outside turns and report back through
/// <see cref="NodeAttemptFinishedAsync"/>; results that arrive together are applied in one turn and one write. Attempts
/// of nodes that touch nothing outside the run (<c>noop</c>, <c>set</c>, <c>log</c>) run in the turn itself, their
/// results applied before its write.</summary>
/// <remarks>An idle run is collected after two minutes rather than Orleans' default fifteen: a silo that finishes
/// thousands of runs a second would otherwise hold every one of them in memory for a quarter of an hour. A run that
/// waits on work in flight (attempts, sub-runs, worker tasks) keeps itself active; one that has ended leaves memory as
/// soon as its end is written; one woken by a reminder or a call is activated again from storage.</remarks>
[GrainType("run")]
[CollectionAgeLimit(Minutes = RunGrain.IdleMinutes)]
internal sealed class RunGrain(
    [PersistentState("run")] IPersistentState<RunState> store,
    DefinitionCache definitions,
    IGrainStateQueries queries,
    AttemptRunner runner,
    EngineOptions options,
    EngineMetrics metrics,
    RunWakeUps wakeUps,
    [FromKeyedServices(OrchestratorClock.Key)] TimeProvider clock,
    ILogger<RunGrain> logger) : OneShotReminderGrain, IRunGrain, IRunEngineGrain, IDisposable
{
    /// <summary>Minutes an idle run stays activated.</summary>
    public const int IdleMinutes = 2;

    /// <summary>Attempts run in one turn before the turn writes: a graph looping through <c>set</c> nodes writes once per
    /// about this many iterations. It bounds how long other calls to the run (a cancel) wait, and how many events (about
    /// three a step) one write announces together.</summary>
    private const int MaxAttemptsInTurn = 500;

    private readonly Dictionary<AttemptKey, CancellationTokenSource> _inFlight = [];
    private readonly ConcurrentQueue<NodeAttemptResult> _results = new();
    private readonly RunSpans _spans = new();
    private readonly CancellationTokenSource _abandoned = new();
    private IRunEngineGrain? _self;
    private int _reportPending;
    private RunStateMachine? _machine;

    private RunState Run => store.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!Run.Exists)
        {
            return;
        }

        _machine = new RunStateMachine(await definitions.GetAsync(Factory, Run.Workflow, Run.Version), options, Random.Shared);
        if (Run.Status is RunStatus.Running or RunStatus.Paused)
        {
            await ApplyAsync(new RunCommand.Recover(await RunGrainCalls.ReadSubRunsAsync(Factory, Run)));
        }

        // A reminder whose registration was refused is lost with the activation that armed it: without it, a run whose
        // next step waits for a retry's time would sleep until it is called.
        var now = clock.GetUtcNow();
        foreach (var (name, dueAt) in RunReminders.CountedOn(Run))
        {
            await RestoreAsync(name, dueAt - now);
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Attempts still running are abandoned; the run retries (or resumes) them when it is activated again. They learn
        // it is an abandonment before their own tokens are cancelled.
        _abandoned.Cancel();
        foreach (var source in _inFlight.Values)
        {
            source.Cancel();
        }

        _spans.EndAll();

        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public void Dispose() => _abandoned.Dispose();

    /// <summary>The run's timeout and its retries wait on timers alone while the run is activated: most runs end, or
    /// retry, long before those fall due, and every running run is activated again after a crash (the recovery sweeps on
    /// start and when a silo leaves), which registers what its state counts on. Durable delays are registered at once:
    /// their run leaves memory as soon as they are armed.</summary>
    protected override bool DefersBackstop(string reminderName) => reminderName != RunReminders.Delays;

    /// <inheritdoc/>
    protected override void OnDeferredBackstopLost(string reminderName) => wakeUps.Schedule(this.GetPrimaryKeyString());

    public async Task<RunSnapshot> StartAsync(StartRun command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (Run.Exists)
        {
            return Run.ToSnapshot();
        }

        // One small call per run; the definition itself crosses a grain call once per version and silo.
        var version = await Factory.GetGrainByKey<IWorkflowEngineGrain>(command.Workflow).ResolveForRunAsync(command.Version);
        _machine = new RunStateMachine(await definitions.GetAsync(Factory, version.Name, version.Version), options, Random.Shared);
        await ApplyAsync(new RunCommand.Start(
            this.GetPrimaryKeyString(), version.Name, version.Version, command.Input, command.IdempotencyKey, command.Parent, command.TriggeredBy,
            // A caller that names no parent may still have brought its span along (Orleans' activity propagation).
            RunTrace.Begin(command.TraceParent ?? OrchestratorTracing.CurrentTraceParent())));
        return Run.ToSnapshot();
    }

    public Task<RunSnapshot> GetAsync()
    {
        EnsureExists();
        return Task.FromResult(Run.ToSnapshot());
    }

    public async Task<IReadOnlyList<RunEvent>> GetEventsAsync(long afterSeq, int maxCount)
    {
        EnsureExists();
        var entries = await queries.ReadJournalAsync(this.GetGrainId(), afterSeq, Math.Clamp(maxCount, 1, 10_000), CancellationToken.None);
        return [.. entries.Select(entry => JsonSerializer.Deserialize<RunEvent>(entry.Payload, JsonSerializerOptions.Web)!)];
    }

    public Task<RunSnapshot> CancelAsync(string reason) => ApplyRequestAsync(new RunCommand.Cancel(reason));

    public Task<RunSnapshot> PauseAsync() => ApplyRequestAsync(new RunCommand.Pause());

    public Task<RunSnapshot> ResumeAsync() => ApplyRequestAsync(new RunCommand.Resume());

    public Task<RunSnapshot> SignalAsync(string name, JsonNode? data) => ApplyRequestAsync(new RunCommand.Signal(name, data));

    public Task<RunSnapshot> RetryNodeAsync(string node, string errorId) => ApplyRequestAsync(new RunCommand.RetryNode(node, errorId));

    public Task LoopEndedAsync(string loop, LoopStatus status, string? reason) => ApplyRequestAsync(new RunCommand.LoopEnded(loop, status, reason));

    public Task NodeAttemptFinishedAsync(NodeAttemptResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return NodeAttemptsFinishedAsync([result]);
    }

    public async Task NodeAttemptsFinishedAsync(IReadOnlyList<NodeAttemptResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        // Reset before draining: a result queued after the drain then sends a report of its own (see Launch).
        Volatile.Write(ref _reportPending, 0);
        var batch = new List<NodeAttemptResult>(results);
        while (_results.TryDequeue(out var queued))
        {
            if (!results.Any(result => ReferenceEquals(queued, result)))
            {
                batch.Add(queued);
            }
        }

        foreach (var finished in batch)
        {
            if (_inFlight.Remove(new AttemptKey(finished.Node, finished.Iteration, finished.Attempt, finished.ItemIndex), out var source))
            {
                source.Dispose();
            }
        }

        RunTransition? transition = null;
        try
        {
            if (Run.Exists)
            {
                transition = await ApplyAsync(new RunCommand.AttemptsFinished(batch));
            }
        }
        finally
        {
            _spans.EndAttempts(batch, transition?.Events);
        }

        if (transition is null)
        {
            // Results that changed nothing (attempts cancelled with their run) may still end the wait that kept the run
            // activated.
            KeepActiveWhileWaiting();
        }
    }

    public async Task<bool> NodeProgressAsync(NodeAttemptProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return Run.Exists && await ApplyAsync(new RunCommand.AttemptProgressed(progress)) is not null;
    }

    public Task TaskProgressedAsync(Tasks.WorkerTaskProgress progress) =>
        Run.Exists ? ApplyAsync(new RunCommand.TaskProgressed(progress)) : Task.CompletedTask;

    public async Task SubRunFinishedAsync(string childRunId, RunSnapshot child)
    {
        ArgumentNullException.ThrowIfNull(child);
        if (Run.Exists && child.Parent is not null)
        {
            await ApplyAsync(new RunCommand.SubRunEnded(childRunId, child));
        }
    }

    protected override async Task OnReminderAsync(string reminderName)
    {
        if (!Run.Exists || Run.Status.IsFinished())
        {
            return;
        }

        await ApplyAsync(RunReminders.CommandFor(reminderName));
        if (reminderName == RunReminders.Delays && Run.DelaysDueAt is { } next && next > clock.GetUtcNow()
            && (ArmedFor(reminderName) is not { } armedAt || (armedAt - next).Duration() > TimeSpan.FromSeconds(1)))
        {
            // A tick that ended nothing (an activation that did not arm it, a backstop after its timer) must not remove
            // the reminder the state still counts on: it is armed again for the earliest delay waiting.
            await ArmAsync(reminderName, next - clock.GetUtcNow());
        }
    }

    private async Task<RunSnapshot> ApplyRequestAsync(RunCommand command)
    {
        EnsureExists();
        await ApplyAsync(command);
        return Run.ToSnapshot();
    }

    /// <summary>Applies a command to the core, writes what changed, then carries out the effects. Returns the transition,
    /// or null when the command changed nothing.</summary>
    private async Task<RunTransition?> ApplyAsync(RunCommand command)
    {
        var wasFinished = Run.Exists && Run.Status.IsFinished();
        RunTransition transition;
        List<FinishedAttempt>? inTurn = null;
        try
        {
            transition = _machine!.Apply(Run, command, clock.GetUtcNow());
            transition = RunAttemptsInTurn(transition, ref inTurn);
        }
        catch (Exception e) when (e is not (RunConflictException or RunNotFoundException or ArgumentException))
        {
            // The core refuses before it changes anything; a fault half-way leaves the state unlike storage.
            _spans.EndAttempts([.. (inTurn ?? []).Select(attempt => attempt.Result)], null);
            await store.ReadStateAsync();
            throw;
        }

        if (!transition.Changed)
        {
            return null;
        }

        try
        {
            return await WriteAndCarryOutAsync(transition, wasFinished);
        }
        finally
        {
            if (inTurn is not null)
            {
                _spans.EndAttempts([.. inTurn.Select(attempt => attempt.Result)], transition.Events);
            }
        }
    }

    /// <summary>Carries out the attempts of <paramref name="transition"/> that run in the turn (<see cref="Definitions.NodeTypes.RunsInTurn"/>)
    /// and applies their results, round after round while new ones follow (until about <see cref="MaxAttemptsInTurn"/> ran): a run's
    /// steps through nodes that touch nothing outside it share one write, every step still in its event log. Returns the
    /// transitions merged; attempts of other types stay effects to carry out after the write.</summary>
    private RunTransition RunAttemptsInTurn(RunTransition transition, ref List<FinishedAttempt>? inTurn)
    {
        while (transition.Changed && (inTurn?.Count ?? 0) < MaxAttemptsInTurn)
        {
            List<NodeAttemptResult>? results = null;
            var remaining = new List<RunEffect>(transition.Effects.Count);
            foreach (var effect in transition.Effects)
            {
                if (effect is RunEffect.LaunchAttempt launch && runner.RunInTurn(launch.Invocation, _abandoned.Token) is { } finished)
                {
                    (results ??= []).Add(finished.Result);
                    (inTurn ??= []).Add(finished);
                    if (finished.Span is { } span && (finished.Result.Succeeded || finished.Result.Cancelled))
                    {
                        StoredSpan.Stop(span);
                    }
                    else
                    {
                        _spans.Hold(launch.Key, finished.Span);
                    }
                }
                else
                {
                    remaining.Add(effect);
                }
            }

            if (results is null)
            {
                break;
            }

            var next = _machine!.Apply(Run, new RunCommand.AttemptsFinished(results), clock.GetUtcNow());
            transition = transition with
            {
                Events = [.. transition.Events, .. next.Events],
                Effects = [.. remaining, .. next.Effects],
                ChangedNodes = new HashSet<string>(transition.ChangedNodes.Concat(next.ChangedNodes), StringComparer.Ordinal),
            };
        }

        return transition;
    }

    /// <summary>Writes the transition's state and events, then announces the events and carries out the effects.</summary>
    private async Task<RunTransition> WriteAndCarryOutAsync(RunTransition transition, bool wasFinished)
    {
        try
        {
            foreach (var effect in transition.Effects.Where(effect => effect.Timing == EffectTiming.BeforeWrite))
            {
                await CarryOutBeforeWriteAsync(effect);
            }

            // One commit wait for the turn, not two (see EffectTiming.BesideWrite). ArmAsync does not throw: a refused
            // registration leaves its timer standing alone.
            var beside = transition.Effects.Where(effect => effect.Timing == EffectTiming.BesideWrite).Select(CarryOutBesideWriteAsync).ToList();
            Run.Journal(transition.Events);
            var write = store.WriteStateAsync();
            await Task.WhenAll(beside);
            await write;
        }
        catch
        {
            // The state in memory may now disagree with storage, and the write may even have landed (its answer lost)
            // with the turn's effects not carried out. This activation gives way to a fresh one, woken soon, which reads
            // what is stored and recovers from there as after a crash.
            Run.DiscardPendingJournal();
            GiveWay();
            throw;
        }

        if (!wasFinished && Run.Status.IsFinished())
        {
            // Before the end is announced, so that whoever hears it finds the run's span and duration recorded.
            Ended();
        }

        RunEventTopics.Publish(Services, Run.RunId!, transition.Events);

        var detached = new List<Func<Task>>();
        foreach (var effect in transition.Effects.Where(effect => effect.Timing == EffectTiming.AfterWrite))
        {
            await CarryOutAsync(effect, detached);
        }

        KeepActiveWhileWaiting();
        if (detached.Count > 0)
        {
            // Outside this turn, in order, touching no state of this grain (see RunGrainCalls).
            var runId = Run.RunId!;
            _ = Task.Run(() => RunGrainCalls.InOrderAsync(detached, logger, runId));
        }

        return transition;
    }

    /// <summary>A run stays activated while it waits on work in flight (attempts, sub-runs, worker tasks); one that has
    /// ended, or waits only on durable delays that end a while from now (<see cref="DurableDelays.NeedNoActivation"/>),
    /// leaves memory at once (a later call reads it again, a reminder brings it back); any other is collected once idle
    /// (<see cref="IdleMinutes"/>).</summary>
    private void KeepActiveWhileWaiting()
    {
        if (_inFlight.Count > 0 || (Run.Exists && (Run.WaitsForSubRuns() || WorkerTasks.Waits(Run))) || HasTimerWithoutBackstop)
        {
            DelayDeactivation(TimeSpan.FromDays(1));
        }
        else if (Run.Exists && (Run.Status.IsFinished() || DurableDelays.NeedNoActivation(Run, clock.GetUtcNow(), options.DurableDelayFrom)))
        {
            this.DeactivateOnIdle();
        }
        else
        {
            DelayDeactivation(TimeSpan.FromSeconds(-1));
        }
    }

    /// <summary>Ends this activation after a failed write: its attempts are abandoned as in a deactivation (their results
    /// go to the next activation, which has retried them), and the run is woken again.</summary>
    private void GiveWay()
    {
        while (_results.TryDequeue(out _))
        {
        }

        this.DeactivateOnIdle();
        wakeUps.Schedule(this.GetPrimaryKeyString());
    }

    /// <summary>The run's end is written: its span and its duration.</summary>
    private void Ended()
    {
        var run = Run;
        RunSpans.EmitRun(
            run,
            () => Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString(),
            () => metrics.RunFinished(run.Workflow, RunState.StatusName(run.Status), (run.FinishedAt ?? run.CreatedAt) - (run.StartedAt ?? run.CreatedAt)));
    }

    private Task CarryOutBesideWriteAsync(RunEffect effect) => effect switch
    {
        RunEffect.ArmReminder arm => ArmAsync(arm.Name, arm.Due),
        _ => Task.CompletedTask,
    };

    private Task CarryOutBeforeWriteAsync(RunEffect effect) => effect switch
    {
        RunEffect.CreateErrorRecord error => Factory.GetGrain<IErrorRecordGrain>(error.ErrorId).CreateAsync(error.Record),
        _ => Task.CompletedTask,
    };

    /// <summary>Carries out an effect that needs this activation in the turn (attempts, reminders); calls to other grains
    /// go to <paramref name="detached"/>.</summary>
    private async Task CarryOutAsync(RunEffect effect, List<Func<Task>> detached)
    {
        switch (effect)
        {
            case RunEffect.LaunchAttempt launch:
                Launch(launch);
                break;
            case RunEffect.CancelAttempt cancel when _inFlight.Remove(cancel.Key, out var source):
                source.Cancel();
                source.Dispose();
                break;
            case RunEffect.CancelAllAttempts:
                foreach (var running in _inFlight.Values)
                {
                    running.Cancel();
                }

                break;
            case RunEffect.DisarmReminder disarm:
                await DisarmAsync(disarm.Name);
                break;
            default:
                if (RunGrainCalls.For(Factory, effect, Run) is { } call)
                {
                    detached.Add(call);
                }

                break;
        }
    }

    /// <summary>Runs the attempt outside the turn; its result is queued and reported, so that results arriving together are
    /// applied together.</summary>
    private void Launch(RunEffect.LaunchAttempt launch)
    {
        var source = new CancellationTokenSource();
        _inFlight[launch.Key] = source;
        var self = _self ??= Factory.GetGrain<IRunEngineGrain>(Run.RunId!);
        var runId = Run.RunId!;
        var key = launch.Key;
        var invocation = launch.Invocation with
        {
            ProgressRecorder = (data, waiting) => self.NodeProgressAsync(new NodeAttemptProgress
            {
                Node = key.Node,
                Iteration = key.Iteration,
                Attempt = key.Attempt,
                ItemIndex = key.ItemIndex,
                Data = data,
                Waiting = waiting,
            }),
            Abandoned = _abandoned.Token,
        };
        runner.RunAsync(invocation, source.Token).ContinueWith(
            async attempt =>
            {
                var (result, span) = await attempt;
                if (span is not null && (result.Succeeded || result.Cancelled))
                {
                    // No retry follows: the span is complete now (its end time is the attempt's).
                    StoredSpan.Stop(span);
                }
                else
                {
                    // A failure's span waits for the run to apply it, which may put a retry delay on it.
                    _spans.Hold(launch.Key, span);
                }
                _results.Enqueue(result);
                if (Interlocked.Exchange(ref _reportPending, 1) == 1)
                {
                    // A report is on its way and has not drained the queue yet: it carries this result too.
                    return;
                }

                try
                {
                    await self.NodeAttemptFinishedAsync(result);
                }
                catch (Exception e)
                {
                    // The run retries the attempt after a restart; nothing else can be done here.
                    Volatile.Write(ref _reportPending, 0);
                    RunGrainLog.ReportFailed(logger, e, result.Node, runId);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, // on the attempt's own thread: it only queues and sends
            TaskScheduler.Default).Unwrap();
    }

    private void EnsureExists()
    {
        if (!Run.Exists)
        {
            var runId = this.GetPrimaryKeyString();
            throw new RunNotFoundException(runId, $"Run '{runId}' does not exist.");
        }
    }
}
