using Microsoft.Extensions.Logging;
using Orchestrator.Runtime.Invocation;
using Orchestrator.Runtime.Reminders;
using Orchestrator.Runtime.Timers;

namespace Orchestrator.Runtime.Activation;

/// <summary>One activation of a grain: its instance, its request queue and its turn scheduling. Calls run one at a
/// time in arrival order; read-only calls may run together when nothing else runs.</summary>
internal sealed partial class ActivationData : IGrainContext
{
    private readonly ActivationServices _services;
    private readonly ActivationTaskScheduler _scheduler = new();
    private readonly Queue<GrainRequest> _queue = new();
    private readonly List<GrainRequest> _running = [];
    private readonly List<GrainTimer> _timers = [];
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private readonly object _logScope;
    private ActivationStatus _status = ActivationStatus.Created;
    private bool _runningExclusive;
    private bool _deactivateRequested;
    private bool _busy;
    private long _lastActivity;
    private long _keepAliveUntil;
    private object? _grain;
    private GrainReminderRegistry? _reminders;

    public ActivationData(GrainId grainId, ActivationServices services)
    {
        GrainId = grainId;
        _services = services;
        _lastActivity = services.Clock.GetTimestamp();
        _logScope = new GrainLogScope(grainId);
    }

    public GrainId GrainId { get; }

    public IGrainFactory GrainFactory => _services.GrainFactory;

    public IServiceProvider Services => _services.ServiceProvider;

    public IReminderRegistry Reminders => _reminders ??= new GrainReminderRegistry(GrainId, _services.ReminderService);

    public ActivationStatus Status
    {
        get
        {
            lock (_lock)
            {
                return _status;
            }
        }
    }

    /// <summary>Completes when the activation is gone from the catalog.</summary>
    public Task Deactivated => _deactivated.Task;

    public object? Grain => _grain;

    /// <summary>Queues a request; false when this activation is deactivating and the request must go to the next one.</summary>
    public bool TryEnqueue(GrainRequest request)
    {
        lock (_lock)
        {
            if (_status >= ActivationStatus.Deactivating)
            {
                return false;
            }

            if (_status == ActivationStatus.Created)
            {
                _status = ActivationStatus.Activating;
                var activation = new WorkRequest("activate", _ => ActivateAsync()) { EnqueuedAt = request.EnqueuedAt };
                _queue.Enqueue(activation);
            }

            _queue.Enqueue(request);
            PumpLocked();
            UpdateBusyLocked();
            return true;
        }
    }

    public IGrainTimer RegisterTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentNullException.ThrowIfNull(options);
        var timer = new GrainTimer(this, callback, options, _services.Clock);
        lock (_lock)
        {
            if (_status >= ActivationStatus.Deactivating)
            {
                throw new InvalidOperationException($"Grain {GrainId} is deactivating; it cannot start timers.");
            }

            _timers.Add(timer);
        }

        timer.Start();
        return timer;
    }

    internal void RemoveTimer(GrainTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    /// <summary>Queues a timer tick; false when the activation no longer takes work.</summary>
    internal bool TryEnqueueTimerTick(WorkRequest tick)
    {
        tick.EnqueuedAt = _services.Clock.GetTimestamp();
        lock (_lock)
        {
            if (_status != ActivationStatus.Valid)
            {
                return false;
            }

            _queue.Enqueue(tick);
            PumpLocked();
            UpdateBusyLocked();
            return true;
        }
    }

    public void DeactivateOnIdle()
    {
        lock (_lock)
        {
            _deactivateRequested = true;
            if (_running.Count == 0 && _queue.Count == 0)
            {
                StartDeactivationLocked(DeactivationReason.Requested);
            }
        }
    }

    public void DelayDeactivation(TimeSpan duration)
    {
        var now = _services.Clock.GetTimestamp();
        var until = duration < TimeSpan.Zero
            ? 0
            : now + (long)Math.Min(duration.TotalSeconds * _services.Clock.TimestampFrequency, long.MaxValue / 4);
        lock (_lock)
        {
            _keepAliveUntil = until;
        }
    }

    /// <summary>True when nothing runs or waits, the last call ended before <paramref name="idleSince"/>, and no
    /// deactivation delay is in force.</summary>
    public bool IsIdleSince(long idleSince)
    {
        var now = _services.Clock.GetTimestamp();
        lock (_lock)
        {
            return _status == ActivationStatus.Valid && _running.Count == 0 && _queue.Count == 0 && _lastActivity <= idleSince
                && _keepAliveUntil <= now;
        }
    }

    /// <summary>Requests running now (tests observe scheduling through this).</summary>
    internal int RunningCount
    {
        get
        {
            lock (_lock)
            {
                return _running.Count;
            }
        }
    }

    /// <summary>Requests waiting for their turn.</summary>
    internal int QueuedCount
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Whether the activation has calls running or queued.</summary>
    public bool IsBusy
    {
        get
        {
            lock (_lock)
            {
                return _running.Count > 0 || _queue.Count > 0;
            }
        }
    }

    /// <summary>Starts deactivation: queued calls finish first, then OnDeactivateAsync runs as the last turn.</summary>
    public Task DeactivateAsync(DeactivationReason reason)
    {
        lock (_lock)
        {
            StartDeactivationLocked(reason);
        }

        return _deactivated.Task;
    }

    /// <summary>Fails requests that have waited longer than the call timeout (they enqueued before <paramref name="cutoff"/>).</summary>
    public void ExpireRequests(long cutoff, TimeSpan timeout)
    {
        List<GrainRequest>? expired = null;
        lock (_lock)
        {
            foreach (var request in _running)
            {
                if (request.EnqueuedAt < cutoff && !request.IsCompleted && request is not WorkRequest)
                {
                    (expired ??= []).Add(request);
                }
            }

            foreach (var request in _queue)
            {
                if (request.EnqueuedAt >= cutoff)
                {
                    break;
                }

                if (!request.IsCompleted && request is not WorkRequest)
                {
                    (expired ??= []).Add(request);
                }
            }
        }

        if (expired is null)
        {
            return;
        }

        foreach (var request in expired)
        {
            if (request.TryFail(new GrainCallTimeoutException(GrainId, request.Name, timeout)))
            {
                _services.Metrics.CallCompleted(GrainId.Type, timeout.TotalMilliseconds, failed: true);
            }
        }
    }

    private void StartDeactivationLocked(DeactivationReason reason)
    {
        if (_status is ActivationStatus.Deactivating or ActivationStatus.Invalid)
        {
            return;
        }

        if (_status == ActivationStatus.Created)
        {
            _status = ActivationStatus.Invalid;
            _services.Catalog.Remove(this);
            _deactivated.TrySetResult();
            return;
        }

        _status = ActivationStatus.Deactivating;
        foreach (var timer in _timers)
        {
            timer.Stop();
        }

        _timers.Clear();
        _queue.Enqueue(new WorkRequest("deactivate", _ => DeactivateCoreAsync(reason)) { EnqueuedAt = _services.Clock.GetTimestamp() });
        PumpLocked();
        UpdateBusyLocked();
    }

    /// <summary>Tells the catalog when this activation goes from idle to busy and back, so shutdown can wait for idle.</summary>
    private void UpdateBusyLocked()
    {
        var busy = _running.Count > 0 || _queue.Count > 0;
        if (busy != _busy)
        {
            _busy = busy;
            _services.Catalog.BusyChanged(busy);
        }
    }

    private void PumpLocked()
    {
        while (_queue.Count > 0)
        {
            var next = _queue.Peek();
            if (next.IsCompleted)
            {
                _queue.Dequeue();
                continue;
            }

            var canStart = _running.Count == 0 ||
                (next.IsReadOnly && !_runningExclusive && _status == ActivationStatus.Valid);
            if (!canStart)
            {
                return;
            }

            _queue.Dequeue();
            _running.Add(next);
            if (!next.IsReadOnly)
            {
                _runningExclusive = true;
            }

            var turn = new Task(static state => ((TurnState)state!).Run(), new TurnState(this, next));
            turn.Start(_scheduler);
        }
    }

    private void RunTurn(TurnState state)
    {
        var request = state.Request;
        Task work;
        using (_services.Logger.BeginScope(_logScope))
        {
            try
            {
                work = request.ExecuteAsync(_grain);
            }
            catch (Exception e)
            {
                work = Task.FromException(e);
            }
        }

        if (work.IsCompleted)
        {
            OnTurnCompleted(request, work);
        }
        else
        {
            work.ContinueWith(
                static (task, turnState) => ((TurnState)turnState!).Completed(task),
                state,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private void OnTurnCompleted(GrainRequest request, Task work)
    {
        // Bookkeeping first, so a caller that continues after its call sees the activation as it left it.
        lock (_lock)
        {
            _running.Remove(request);
            if (!request.IsReadOnly)
            {
                _runningExclusive = false;
            }

            if (request.KeepsAlive)
            {
                _lastActivity = _services.Clock.GetTimestamp();
            }

            if (_deactivateRequested && _status == ActivationStatus.Valid && _running.Count == 0 && _queue.Count == 0)
            {
                StartDeactivationLocked(DeactivationReason.Requested);
            }

            PumpLocked();
            UpdateBusyLocked();
        }

        var wasCompleted = request.IsCompleted;
        request.Complete(work);
        if (!wasCompleted && request is not WorkRequest)
        {
            var elapsed = _services.Clock.GetElapsedTime(request.EnqueuedAt);
            _services.Metrics.CallCompleted(GrainId.Type, elapsed.TotalMilliseconds, !work.IsCompletedSuccessfully);
        }
    }

    private async Task ActivateAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(_services.Options.CallTimeout, _services.Clock);
            var (grain, loaders) = _services.Activator.Create(this);
            _grain = grain;
            foreach (var loader in loaders)
            {
                await loader.LoadAsync(timeout.Token);
            }

            var owner = await _services.Directory.RegisterAsync(GrainId, _services.Options.SiloName, timeout.Token);
            if (owner != _services.Options.SiloName)
            {
                throw new InvalidOperationException($"Grain {GrainId} is already active on silo {owner}.");
            }

            if (grain is Grain baseGrain)
            {
                await baseGrain.OnActivateAsync(timeout.Token);
            }

            lock (_lock)
            {
                _status = ActivationStatus.Valid;
            }

            _services.Metrics.ActivationCreated(GrainId.Type);
            LogActivated(_services.Logger, GrainId);
        }
        catch (Exception e)
        {
            LogActivationFailed(_services.Logger, e, GrainId);
            await FailActivationAsync(e);
        }
    }

    private async Task FailActivationAsync(Exception cause)
    {
        List<GrainRequest> pending;
        lock (_lock)
        {
            _status = ActivationStatus.Invalid;
            pending = [.. _queue];
            _queue.Clear();
            UpdateBusyLocked();
        }

        _services.Catalog.Remove(this);
        await _services.Directory.UnregisterAsync(GrainId, _services.Options.SiloName, CancellationToken.None);
        var error = new InvalidOperationException($"Activation of grain {GrainId} failed: {cause.Message}", cause);
        foreach (var request in pending)
        {
            request.TryFail(error);
        }

        _deactivated.TrySetResult();
    }

    private async Task DeactivateCoreAsync(DeactivationReason reason)
    {
        try
        {
            if (_grain is Grain baseGrain)
            {
                using var timeout = new CancellationTokenSource(_services.Options.CallTimeout, _services.Clock);
                await baseGrain.OnDeactivateAsync(reason, timeout.Token);
            }
        }
        catch (Exception e)
        {
            LogDeactivationFailed(_services.Logger, e, GrainId);
        }
        finally
        {
            lock (_lock)
            {
                _status = ActivationStatus.Invalid;
            }

            await _services.Directory.UnregisterAsync(GrainId, _services.Options.SiloName, CancellationToken.None);
            _services.Catalog.Remove(this);
            _services.Metrics.ActivationRemoved(GrainId.Type);
            LogDeactivated(_services.Logger, GrainId, reason);
            _deactivated.TrySetResult();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Activated {GrainId}")]
    private static partial void LogActivated(ILogger logger, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Activation of {GrainId} failed")]
    private static partial void LogActivationFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OnDeactivateAsync of {GrainId} failed")]
    private static partial void LogDeactivationFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deactivated {GrainId} ({Reason})")]
    private static partial void LogDeactivated(ILogger logger, GrainId grainId, DeactivationReason reason);

    private sealed class TurnState(ActivationData activation, GrainRequest request)
    {
        public GrainRequest Request => request;

        public void Run() => activation.RunTurn(this);

        public void Completed(Task work) => activation.OnTurnCompleted(request, work);
    }
}
