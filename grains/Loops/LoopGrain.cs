using Orchestrator.Providers.Hosting;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Orchestrator.Definitions;
using Orchestrator.Loops.Producers;
using Orchestrator.Nodes.Queues;
using Orchestrator.Queues;
using Orchestrator.Runs;
using Orchestrator.Runs.Engine;
using Orchestrator.Providers.Streams;

using Orchestrator.Reminders;

namespace Orchestrator.Loops;

/// <summary>One continuous loop of a run. The grain owns the loop's durable state (status, counters, queue position)
/// and its <see cref="LoopRunner"/>, which does the work outside turns. Turns never wait for the runner: they signal it
/// (pause, resume, stop) and write the state, so the runner may call the grain at any time.</summary>
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

    private LoopLog? _log;
    private LoopCounters? _counters;
    private QueueWindow? _window;
    private LoopRunner? _runner;
    private IGrainTimer? _checkpoints;
    private CachedDefinition? _definition;
    private long _writtenChanges = -1;

    private LoopState Loop => store.State;

    private LoopLog Log => _log ??= new LoopLog(clock);

    private LoopDefinition LoopDefinition => _definition!.Definition.Loops[Loop.Loop];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Loop.Exists && !Loop.Status.IsEnded())
        {
            // The run may have ended while this loop's stop was on its way (the silo died in between).
            var run = await Factory.GetGrain<IRunGrain>(Loop.RunId).GetAsync();
            if (run.Status.IsFinished())
            {
                await EndAsync(LoopStatus.Stopped, $"run {Loop.RunId} is {RunState.StatusName(run.Status)}");
                return;
            }

            Log.Info($"resuming after the silo started again ({Loop.Status.Name()})");
            await StartRunnerAsync();
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
    }

    public async Task<LoopSnapshot> StartAsync(StartLoop command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (Loop.Exists)
        {
            return Snapshot();
        }

        var id = this.GetPrimaryKeyString();
        if (id != LoopIds.For(command.RunId, command.Loop))
        {
            throw new ArgumentException($"Loop grain '{id}' cannot start loop '{command.Loop}' of run {command.RunId}: its key must be {LoopIds.For(command.RunId, command.Loop)}.", nameof(command));
        }

        await LoadDefinitionAsync(command.Workflow, command.Version);
        if (!_definition!.Definition.Loops.TryGetValue(command.Loop, out var definition))
        {
            throw new ArgumentException($"Workflow '{command.Workflow}' version {command.Version} has no loop '{command.Loop}'.", nameof(command));
        }

        var now = clock.GetUtcNow();
        store.State = new LoopState
        {
            Id = id,
            RunId = command.RunId,
            Workflow = command.Workflow,
            Version = command.Version,
            Loop = command.Loop,
            Pool = definition.Pool,
            Producer = definition.Producer.Type,
            Queue = definition.Producer.Queue,
            MaxInFlight = definition.MaxInFlight ?? LoopRunnerSetup.DefaultMaxInFlight,
            Status = LoopStatus.Running,
            CreatedAt = now,
            StartedAt = now,
        };
        Log.Info($"started: pool {definition.Pool}, producer {definition.Producer.Type}, {definition.Chain.Count} node(s)");
        await StartRunnerAsync();
        return Snapshot();
    }

    public Task<LoopSnapshot> GetAsync()
    {
        EnsureExists();
        return Task.FromResult(Snapshot());
    }

    public async Task<LoopSnapshot> PauseAsync(string? reason)
    {
        EnsureExists();
        if (Loop.Status.IsEnded())
        {
            throw new InvalidOperationException($"Loop {Loop.Id} is {Loop.Status.Name()}; only a running loop can be paused.");
        }

        if (Loop.Status != LoopStatus.Paused)
        {
            await PauseCoreAsync(string.IsNullOrWhiteSpace(reason) ? "paused" : reason);
        }

        return Snapshot();
    }

    public async Task<LoopSnapshot> ResumeAsync()
    {
        EnsureExists();
        if (Loop.Status.IsEnded())
        {
            throw new InvalidOperationException($"Loop {Loop.Id} is {Loop.Status.Name()}; only a paused loop can be resumed.");
        }

        if (Loop.Status == LoopStatus.Paused)
        {
            Loop.Status = LoopStatus.Running;
            Loop.Reason = null;
            Log.Info("resumed");
            await WriteAsync();
            _runner?.Resume();
        }

        return Snapshot();
    }

    public async Task<LoopSnapshot> StopAsync(string? reason)
    {
        EnsureExists();
        if (!Loop.Status.IsEnded())
        {
            await EndAsync(LoopStatus.Stopped, string.IsNullOrWhiteSpace(reason) ? "stopped" : reason);
        }

        return Snapshot();
    }

    public Task<IReadOnlyList<LoopLogEntry>> GetLogsAsync(LoopLogQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        EnsureExists();
        return Task.FromResult(Log.Read(query));
    }

    public Task RetryNodeAsync(string node, long iteration, JsonNode? input, string errorId)
    {
        EnsureExists();
        if (Loop.Status.IsEnded() || _runner is null)
        {
            throw new InvalidOperationException($"Loop {Loop.Id} is {Loop.Status.Name()}; a node of an ended loop cannot be retried.");
        }

        Log.Info($"retrying for error record {errorId}", node, iteration);
        _runner.StartRetry(node, iteration, input, errorId);
        return Task.CompletedTask;
    }

    public async Task<long> ReserveIterationsAsync(long upTo)
    {
        if (upTo > Loop.ReservedIterations)
        {
            Loop.ReservedIterations = upTo;
            await WriteAsync();
        }

        return Loop.ReservedIterations;
    }

    public async Task CheckpointAsync(LoopStatus? transition, string? reason)
    {
        if (!Loop.Exists || Loop.Status.IsEnded())
        {
            return;
        }

        switch (transition)
        {
            case LoopStatus.Paused when Loop.Status == LoopStatus.Running:
                await PauseCoreAsync(reason ?? "paused");
                break;
            case LoopStatus.Stopped or LoopStatus.Error:
                await EndAsync(transition.Value, reason ?? transition.Value.Name());
                break;
            default:
                await WriteIfChangedAsync();
                break;
        }
    }

    private async Task PauseCoreAsync(string reason)
    {
        _runner?.Pause();
        Loop.Status = LoopStatus.Paused;
        Loop.Reason = reason;
        Log.Info($"paused: {reason}");
        await WriteAsync();
    }

    /// <summary>Ends the loop: writes the end state, stops the runner, gives up the queue subscription, tells the run.</summary>
    private async Task EndAsync(LoopStatus status, string reason)
    {
        var runner = _runner;
        _runner = null;
        runner?.Stop();
        _checkpoints?.Dispose();
        _checkpoints = null;
        Loop.Status = status;
        Loop.Reason = reason;
        Loop.StoppedAt = clock.GetUtcNow();
        if (status == LoopStatus.Error)
        {
            Log.Error($"stopped: {reason}");
        }
        else
        {
            Log.Info($"stopped: {reason}");
        }

        await WriteAsync();
        if (Loop.Queue is { } queue)
        {
            await TopicProviders.Get(Services, TopicProviderNames.Durable).GetTopic<QueueMessage>(QueueStreams.For(queue))
                .RemoveConsumerAsync(QueueProducer.ConsumerOf(Loop.Id!));
        }

        DelayDeactivation(TimeSpan.FromSeconds(-1));
        var loopId = Loop.Id!;
        var run = Factory.GetGrain<IRunEngineGrain>(Loop.RunId);
        var name = Loop.Loop;
        _ = Task.Run(async () =>
        {
            if (runner is not null)
            {
                await runner.DisposeAsync();
            }

            try
            {
                await run.LoopEndedAsync(name, status, reason);
            }
            catch (Exception e)
            {
                LogRunNotificationFailed(logger, e, loopId);
            }
        });
    }

    private async Task StartRunnerAsync()
    {
        await LoadDefinitionAsync(Loop.Workflow, Loop.Version);
        Loop.Epoch++;
        if (_counters is null)
        {
            // Restored from storage: numbers up to the last reservation may have been handed out before a crash.
            _counters = new LoopCounters(LoopDefinition, _definition!.Definition, Loop.Counters, clock, metrics, new LoopTags(Loop.Workflow, Loop.Loop));
            _counters.NumberAbove(Loop.ReservedIterations);
        }

        _window ??= new QueueWindow(Loop.LastSequence, Loop.RecentMessageIds);
        Loop.ReservedIterations = Math.Max(Loop.ReservedIterations, _counters.LastNumber + IterationReservations.MinimumBlock);
        await WriteAsync();
        try
        {
            _runner = await runners.CreateAsync(new LoopRunnerSetup
            {
                LoopId = Loop.Id!,
                RunId = Loop.RunId,
                Workflow = Loop.Workflow,
                Loop = Loop.Loop,
                Definition = LoopDefinition,
                Cached = _definition!,
                Epoch = Loop.Epoch,
                StartPaused = Loop.Status == LoopStatus.Paused,
                Counters = _counters,
                Reservations = new IterationReservations(Loop.ReservedIterations, Factory.GetGrain<ILoopEngineGrain>(Loop.Id!).ReserveIterationsAsync),
                Log = Log,
                Window = _window,
                Self = Factory.GetGrain<ILoopEngineGrain>(Loop.Id!),
                Grains = Factory,
                Clock = clock,
                Engine = engine,
                Logger = logger,
            });
        }
        catch (Exception e) when (e is Nodes.NodeExecutionException or ArgumentException or InvalidOperationException or TimeZoneNotFoundException)
        {
            await EndAsync(LoopStatus.Error, $"the loop could not start: {e.Message}");
            return;
        }

        _runner.Start();
        DelayDeactivation(KeepAlive);
        _checkpoints = this.RegisterGrainTimer(_ => WriteIfChangedAsync(), CheckpointPeriod, CheckpointPeriod);
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
            throw new KeyNotFoundException($"Loop '{this.GetPrimaryKeyString()}' does not exist.");
        }
    }

    private async Task LoadDefinitionAsync(string workflow, int version) =>
        _definition ??= await definitions.GetAsync(Factory, workflow, version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Loop {LoopId}: the checkpoint could not be written")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception, string loopId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loop {LoopId}: its run could not be told that the loop ended")]
    private static partial void LogRunNotificationFailed(ILogger logger, Exception exception, string loopId);
}
