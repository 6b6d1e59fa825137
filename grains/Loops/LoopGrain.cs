using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Definitions;
using Orchestrator.Loops.Engine;
using Orchestrator.Nodes.Queues;
using Orchestrator.Providers.Hosting;
using Orchestrator.Providers.Streams;
using Orchestrator.Queues;
using Orchestrator.Reminders;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;

namespace Orchestrator.Loops;

/// <summary>One continuous loop of a run, carrying out what its core (<see cref="LoopLifecycle"/>) decides: every change
/// applies a command to the core, then carries out the effects in order (start, pause, resume or stop the runner, write
/// the state, remove the queue consumer, tell the run). The grain owns the loop's durable state and its
/// <see cref="LoopRunner"/>, which does the work outside turns. Turns never wait for the runner: they signal it and write
/// the state, so the runner may call the grain at any time.</summary>
[GrainType("loop")]
internal sealed partial class LoopGrain(
    [PersistentState("loop")] IPersistentState<LoopState> store,
    DefinitionCache definitions,
    LoopRunnerFactory runners,
    LoopMetrics metrics,
    EngineOptions engine,
    [FromKeyedServices(OrchestratorClock.Key)] TimeProvider clock,
    ILogger<LoopGrain> logger) : OrchestratorGrain, ILoopGrain, ILoopEngineGrain
{
    private static readonly TimeSpan CheckpointPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromDays(3650);

    /// <summary>How many times making the runner is tried while the storage does not answer (about 6 s of back-off).</summary>
    private const int RunnerTries = 6;

    private LoopLog? _log;
    private LoopCounters? _counters;
    private QueueWindow? _window;
    private LoopRunner? _runner;
    private LoopRunner? _stoppedRunner;
    private LoopEffect.RemoveQueueConsumer? _removedConsumer;
    private IGrainTimer? _checkpoints;
    private CachedDefinition? _definition;
    private long _writtenChanges = -1;

    private LoopState Loop => store.State;

    private LoopLog Log => _log ??= new LoopLog(clock, Loop.RecentLog);

    private LoopDefinition LoopDefinition => _definition!.Definition.Loops[Loop.Loop];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Loop.Exists && !Loop.Status.IsEnded())
        {
            var run = await Factory.GetGrain<IRunGrain>(Loop.RunId).GetAsync();
            await ApplyAsync(new LoopCommand.Activated(run.Status));
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_runner is { } runner)
        {
            _runner = null;
            runner.Stop();
            CopyCounters();
            try
            {
                await store.WriteStateAsync(CancellationToken.None);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogCheckpointFailed(logger, e, this.GetPrimaryKeyString());
            }

            await runner.DisposeAsync();
        }
        else if (Loop.Exists && _log?.TakeChangedTail() is { } lines)
        {
            // Lines a stopped runner wrote while it wound down, after the loop's last write.
            Loop.RecentLog = lines;
            try
            {
                await store.WriteStateAsync(CancellationToken.None);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogCheckpointFailed(logger, e, this.GetPrimaryKeyString());
            }
        }
    }

    public async Task<LoopSnapshot> StartAsync(StartLoop command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!Loop.Exists)
        {
            var definition = await definitions.GetAsync(Factory, command.Workflow, command.Version);
            var transition = LoopLifecycle.Apply(Loop, new LoopCommand.Start(this.GetPrimaryKeyString(), command, definition.Definition), clock.GetUtcNow());
            _definition = definition;
            await CarryOutAsync(transition);
        }

        return Snapshot();
    }

    public Task<LoopSnapshot> GetAsync()
    {
        EnsureExists();
        return Task.FromResult(Snapshot());
    }

    public Task<LoopSnapshot> PauseAsync(string? reason) => ApplyRequestAsync(new LoopCommand.Pause(reason));

    public Task<LoopSnapshot> ResumeAsync() => ApplyRequestAsync(new LoopCommand.Resume());

    public Task<LoopSnapshot> StopAsync(string? reason) => ApplyRequestAsync(new LoopCommand.Stop(reason));

    public Task<IReadOnlyList<LoopLogEntry>> GetLogsAsync(LoopLogQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        EnsureExists();
        return Task.FromResult(Log.Read(query));
    }

    public Task RetryNodeAsync(string node, long iteration, JsonNode? input, string errorId)
    {
        EnsureExists();
        if (_runner is null)
        {
            throw new LoopConflictException(Loop.Id!, $"Loop {Loop.Id} is {Loop.Status.Name()}; a node of an ended loop cannot be retried.");
        }

        return ApplyAsync(new LoopCommand.RetryNode(node, iteration, input, errorId));
    }

    public async Task<long> ReserveIterationsAsync(long upTo)
    {
        await ApplyAsync(new LoopCommand.ReserveIterations(upTo));
        return Loop.ReservedIterations;
    }

    public Task CheckpointAsync(LoopStatus? transition, string? reason) => ApplyAsync(LoopCommand.FromRunner(transition, reason));

    private async Task<LoopSnapshot> ApplyRequestAsync(LoopCommand command)
    {
        EnsureExists();
        await ApplyAsync(command);
        return Snapshot();
    }

    private Task ApplyAsync(LoopCommand command) => CarryOutAsync(LoopLifecycle.Apply(Loop, command, clock.GetUtcNow()));

    private async Task CarryOutAsync(LoopTransition transition)
    {
        foreach (var effect in transition.Effects)
        {
            switch (effect)
            {
                case LoopEffect.Log line:
                    Log.Write(line.Level, line.Message, line.Node, line.Iteration);
                    break;
                case LoopEffect.WriteState { OnlyIfChanged: true }:
                    await WriteIfChangedAsync();
                    break;
                case LoopEffect.WriteState:
                    await WriteAsync();
                    break;
                case LoopEffect.StartRunner start:
                    await StartRunnerAsync(start);
                    break;
                case LoopEffect.PauseRunner:
                    _runner?.Pause();
                    break;
                case LoopEffect.ResumeRunner:
                    _runner?.Resume();
                    break;
                case LoopEffect.StopRunner:
                    StopRunner();
                    break;
                case LoopEffect.RetryOnRunner retry:
                    _runner!.StartRetry(retry.Node, retry.Iteration, retry.Input, retry.ErrorId);
                    break;
                case LoopEffect.RemoveQueueConsumer consumer:
                    _removedConsumer = consumer;
                    await RemoveConsumerAsync(consumer, Loop.Id!);
                    break;
                case LoopEffect.NotifyRunEnded ended:
                    Ended(ended);
                    break;
            }
        }
    }

    private async Task StartRunnerAsync(LoopEffect.StartRunner start)
    {
        await LoadDefinitionAsync(Loop.Workflow, Loop.Version);
        if (_counters is null)
        {
            // Restored from storage: numbers up to the last reservation may have been handed out before a crash.
            _counters = new LoopCounters(LoopDefinition, _definition!.Definition, Loop.Counters, clock, metrics, new LoopTags(Loop.Workflow, Loop.Loop));
            _counters.NumberAbove(start.NumberAbove);

            // Made from the counters as stored: nothing new to write yet.
            _writtenChanges = _counters.Changes;
        }

        _window ??= new QueueWindow(Loop.LastSequence, Loop.RecentMessageIds);
        try
        {
            // A storage blip while it is made (registering a queue consumer during a database restart, say) must not end
            // the loop, which only an error of the loop itself should.
            _runner = await Providers.Storage.StorageFailures.RetryWhileUnavailableAsync(() => runners.CreateAsync(new LoopRunnerSetup
            {
                LoopId = Loop.Id!,
                RunId = Loop.RunId,
                Workflow = Loop.Workflow,
                Loop = Loop.Loop,
                Definition = LoopDefinition,
                Cached = _definition!,
                Epoch = Loop.Epoch,
                StartPaused = start.Paused,
                Counters = _counters,
                Reservations = new IterationReservations(Loop.ReservedIterations, Factory.GetGrain<ILoopEngineGrain>(Loop.Id!).ReserveIterationsAsync),
                Log = Log,
                Window = _window,
                Self = Factory.GetGrain<ILoopEngineGrain>(Loop.Id!),
                Grains = Factory,
                Clock = clock,
                Engine = engine,
                Logger = logger,
            }), RunnerTries, TimeSpan.FromMilliseconds(200));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever stops the runner from being made ends the loop, so that it gives up its queue consumer.
            var error = e is Nodes.NodeExecutionException or ArgumentException or InvalidOperationException or TimeZoneNotFoundException
                ? e.Message
                : $"{e.GetType().Name}: {e.Message}";
            await ApplyAsync(new LoopCommand.RunnerFailedToStart(error));
            return;
        }

        _runner.Start();
        DelayDeactivation(KeepAlive);
        _checkpoints = this.RegisterGrainTimer(_ => WriteIfChangedAsync(), CheckpointPeriod, CheckpointPeriod);
    }

    private void StopRunner()
    {
        _stoppedRunner = _runner;
        _runner = null;
        _stoppedRunner?.Stop();
        _checkpoints?.Dispose();
        _checkpoints = null;
    }

    private async Task RemoveConsumerAsync(LoopEffect.RemoveQueueConsumer consumer, string loopId)
    {
        try
        {
            await TopicProviders.Get(Services, TopicProviderNames.Durable).GetTopic<QueueMessage>(QueueStreams.For(consumer.Queue))
                .RemoveConsumerAsync(consumer.Consumer);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Removed again once the runner has wound down (see Ended), and by the sweep when the silo starts.
            LogConsumerRemovalFailed(logger, e, loopId, consumer.Queue);
        }
    }

    /// <summary>The loop ended: its activation may go; outside the turn the stopped runner winds down, the queue consumer
    /// is removed once more (a delivery that was winding down may have registered it again), and the run is told.</summary>
    private void Ended(LoopEffect.NotifyRunEnded ended)
    {
        DelayDeactivation(TimeSpan.FromSeconds(-1));
        var runner = _stoppedRunner;
        var consumer = _removedConsumer;
        _stoppedRunner = null;
        _removedConsumer = null;
        var loopId = Loop.Id!;
        var run = Factory.GetGrain<IRunEngineGrain>(ended.RunId);
        _ = Task.Run(async () =>
        {
            if (runner is not null)
            {
                await runner.DisposeAsync();
                if (consumer is not null)
                {
                    await RemoveConsumerAsync(consumer, loopId);
                }
            }

            try
            {
                await run.LoopEndedAsync(ended.Loop, ended.Status, ended.Reason);
            }
            catch (Exception e)
            {
                LogRunNotificationFailed(logger, e, loopId);
            }
        });
    }

    private async Task WriteIfChangedAsync()
    {
        if (_counters is not null && _counters.Changes != _writtenChanges)
        {
            await WriteAsync();
        }
    }

    private async Task WriteAsync()
    {
        var changes = _counters?.Changes ?? -1;
        CopyCounters();
        await store.WriteStateAsync();
        _writtenChanges = changes;
    }

    private void CopyCounters()
    {
        if (_counters is not null)
        {
            Loop.Counters = _counters.Snapshot(forStorage: true);
        }

        if (_window is not null)
        {
            (Loop.LastSequence, Loop.RecentMessageIds) = _window.Snapshot();
        }

        if (_log?.TakeChangedTail() is { } lines)
        {
            Loop.RecentLog = lines;
        }
    }

    private LoopSnapshot Snapshot()
    {
        var counters = _counters?.Snapshot(forStorage: false) ?? Loop.Counters;
        return new LoopSnapshot
        {
            Id = Loop.Id!,
            RunId = Loop.RunId,
            Workflow = Loop.Workflow,
            Version = Loop.Version,
            Loop = Loop.Loop,
            State = Loop.Status,
            Pool = Loop.Pool,
            Producer = Loop.Producer,
            Queue = Loop.Queue,
            Iterations = counters.Iterations,
            Completed = counters.Completed,
            Errors = counters.Errors,
            IterationsPerSecond = _runner is not null && _counters is not null ? _counters.IterationsPerSecond : 0,
            RateWindowSeconds = _counters?.RateWindowSeconds ?? 0,
            InFlight = _counters?.InFlight ?? 0,
            MaxInFlight = Loop.MaxInFlight,
            DuplicatesDropped = counters.DuplicatesDropped,
            LastError = counters.LastError,
            Nodes = counters.Nodes,
            WorkerProcessId = _runner?.WorkerProcessId,
            WorkerRestarts = _runner?.WorkerRestarts ?? 0,
            CreatedAt = Loop.CreatedAt,
            StartedAt = Loop.StartedAt,
            StoppedAt = Loop.StoppedAt,
            Reason = Loop.Reason,
        };
    }

    private void EnsureExists()
    {
        if (!Loop.Exists)
        {
            var id = this.GetPrimaryKeyString();
            throw new LoopNotFoundException(id, $"Loop '{id}' does not exist.");
        }
    }

    private async Task LoadDefinitionAsync(string workflow, int version) =>
        _definition ??= await definitions.GetAsync(Factory, workflow, version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Loop {LoopId}: the checkpoint could not be written")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception, string loopId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loop {LoopId}: its run could not be told that the loop ended")]
    private static partial void LogRunNotificationFailed(ILogger logger, Exception exception, string loopId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loop {LoopId}: its consumer of queue {Queue} could not be removed")]
    private static partial void LogConsumerRemovalFailed(ILogger logger, Exception exception, string loopId, string queue);
}
