using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Orchestrator.Definitions;
using Orchestrator.Errors;
using Orchestrator.Loops.Pools;
using Orchestrator.Loops.Producers;
using Orchestrator.Loops.Steps;
using Orchestrator.Nodes;
using Orchestrator.Providers.Streams;

namespace Orchestrator.Loops;

/// <summary>
/// Runs one loop outside grain turns, on its pool: the producer starts each iteration and waits for the iteration's
/// blocking nodes; a non-blocking node is handed off (at most <c>maxInFlight</c> at once, after which the loop waits)
/// and the chain goes on with the data that flowed into it. A failed attempt is retried per the node's policy; when the
/// attempts run out the failure is recorded (an error record, the loop's last error) and the loop's <c>onError</c>
/// decides. State changes that must be durable go through the loop's grain (<see cref="ILoopEngineGrain.CheckpointAsync"/>);
/// every wait on the grain is cut short by <see cref="Stop"/>, so the grain may stop the runner from within a turn.
/// </summary>
internal sealed partial class LoopRunner : IAsyncDisposable
{
    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(10);

    private readonly LoopRunnerSetup _setup;
    private readonly LoopPool _pool;
    private readonly LoopProducer _producer;
    private readonly IReadOnlyList<LoopStep> _steps;
    private readonly SemaphoreSlim _inFlight;
    private readonly PauseGate _gate;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _detachedLock = new();
    private readonly HashSet<Task> _detached = [];
    private Task _driver = Task.CompletedTask;
    private int _disposed;

    public LoopRunner(LoopRunnerSetup setup, LoopPool pool, LoopProducer producer, IReadOnlyList<LoopStep> steps)
    {
        _setup = setup;
        _pool = pool;
        _producer = producer;
        _steps = steps;
        _inFlight = new SemaphoreSlim(setup.MaxInFlight, setup.MaxInFlight);
        _gate = new PauseGate(setup.StartPaused);
    }

    public LoopCounters Counters => _setup.Counters;

    public int? WorkerProcessId => (_pool as ProcessLoopPool)?.Worker.ProcessId;

    public int WorkerRestarts => (_pool as ProcessLoopPool)?.Worker.Restarts ?? 0;

    private string LoopId => _setup.LoopId;

    private LoopLog Log => _setup.Log;

    private CancellationToken Stopping => _stopping.Token;

    public void Start() => _driver = _pool.RunAsync(DriveAsync);

    public void Pause() => _gate.Close();

    public void Resume() => _gate.Open();

    /// <summary>Stops the producer and cancels whatever runs; returns at once (see <see cref="DisposeAsync"/>).</summary>
    public void Stop()
    {
        if (!_stopping.IsCancellationRequested)
        {
            _stopping.Cancel();
        }
    }

    /// <summary>Runs <paramref name="node"/> with <paramref name="input"/> and then the rest of the chain, for an error
    /// record's retry; tells the record how it went. Returns at once.</summary>
    public void StartRetry(string node, long iteration, JsonNode? input, string errorId)
    {
        var index = 0;
        while (index < _steps.Count && _steps[index].Node != node)
        {
            index++;
        }

        if (index == _steps.Count)
        {
            throw new LoopNotFoundException(LoopId, $"Loop {LoopId} has no node '{node}' in its chain.");
        }

        Track(_pool.RunDetachedAsync(async () =>
        {
            var token = $"retry.{errorId}";
            string? error;
            try
            {
                error = await RunChainAsync(index, input, iteration, token, isRetry: true, Stopping);
            }
            catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
            {
                error = "the loop stopped";
            }

            Log.Info(error is null ? $"retry for error record {errorId} succeeded" : $"retry for error record {errorId} failed: {error}", node, iteration);
            await _setup.Grains.GetGrain<IErrorRecordEngineGrain>(errorId).RetryFinishedAsync(error is null, error);
        }));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Stop();
        await WaitQuietlyAsync(_driver);
        Task[] detached;
        lock (_detachedLock)
        {
            detached = [.. _detached];
        }

        await WaitQuietlyAsync(Task.WhenAll(detached));
        await _producer.DisposeAsync();
        foreach (var step in _steps)
        {
            await step.DisposeAsync();
        }

        await _pool.DisposeAsync();
        _inFlight.Dispose();
        _stopping.Dispose();
    }

    private async Task DriveAsync()
    {
        // Iterations are traces of their own (sampled), not children of whatever span started the runner.
        Activity.Current = null;
        try
        {
            await _producer.RunAsync(IterateAsync, _gate, Stopping);
            if (!Stopping.IsCancellationRequested)
            {
                // Work handed off finishes before the loop says it ended.
                await DrainHandedOffAsync();
                Log.Info("the producer has nothing more: the loop stops");
                await CheckpointAsync(LoopStatus.Stopped, "the producer finished");
            }
        }
        catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            var message = e is NodeExecutionException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            Log.Error($"the producer failed: {message}");
            LogProducerFailed(_setup.Logger, e, LoopId);
            try
            {
                await CheckpointAsync(LoopStatus.Error, $"the producer failed: {message}");
            }
            catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
            {
            }
        }
    }

    private async Task<bool> IterateAsync(LoopTrigger trigger, CancellationToken cancellationToken)
    {
        var iteration = Counters.IterationStarted();
        await _setup.Reservations.EnsureAsync(iteration, Counters.IterationsPerSecond, cancellationToken);
        var token = trigger.IterationToken ?? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_setup.Epoch}.{iteration}");
        using var span = LoopIterationSpan.Start(_setup, iteration, trigger);
        var error = await RunChainAsync(0, trigger.Data, iteration, token, isRetry: false, cancellationToken);
        if (error is null)
        {
            Counters.IterationCompleted();
        }
        else
        {
            span?.SetStatus(ActivityStatusCode.Error, error);
        }

        return error is null;
    }

    /// <summary>Runs the chain from step <paramref name="from"/>; returns null, or the error of the blocking node that failed.</summary>
    private async Task<string?> RunChainAsync(int from, JsonNode? data, long iteration, string token, bool isRetry, CancellationToken cancellationToken)
    {
        for (var i = from; i < _steps.Count; i++)
        {
            var step = _steps[i];
            if (!step.Blocking)
            {
                await _inFlight.WaitAsync(cancellationToken);
                Counters.HandedOff();
                var handed = data?.DeepClone();
                Track(_pool.RunDetachedAsync(() => RunHandedOffAsync(step, handed, iteration, token)));
                continue;
            }

            var result = await RunWithRetriesAsync(step, data, iteration, token, cancellationToken);
            if (result.Error is { } error)
            {
                if (!isRetry)
                {
                    await FailedAsync(step, data, iteration, token, result);
                }

                return error;
            }

            data = result.Output;
        }

        return null;
    }

    private async Task RunHandedOffAsync(LoopStep step, JsonNode? data, long iteration, string token)
    {
        try
        {
            var result = await RunWithRetriesAsync(step, data, iteration, token, Stopping);
            if (result.Error is not null)
            {
                await FailedAsync(step, data, iteration, token, result);
            }
        }
        catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
        {
        }
        finally
        {
            Counters.HandOffFinished();
            ReleaseSlot();
        }
    }

    private void ReleaseSlot()
    {
        try
        {
            _inFlight.Release();
        }
        catch (ObjectDisposedException)
        {
            // The runner was disposed while this work wound down.
        }
    }

    private async Task<StepResult> RunWithRetriesAsync(LoopStep step, JsonNode? data, long iteration, string token, CancellationToken cancellationToken)
    {
        var counters = Counters.Nodes[step.Node];
        for (var attempt = 1; ; attempt++)
        {
            string error;
            // Token sources only for a node with a timeout: most loop nodes have none, and this runs every iteration.
            var timeout = step.Timeout is { } limit ? new CancellationTokenSource(limit, _setup.Clock) : null;
            var linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            var started = Stopwatch.GetTimestamp();
            Log.Info(attempt == 1 ? "started" : $"started (attempt {attempt})", step.Node, iteration);
            try
            {
                var outcome = await step.RunAsync(new LoopAttempt(data, iteration, token, attempt), linked?.Token ?? cancellationToken);
                counters.Succeeded(outcome.Output, _setup.Clock.GetUtcNow());
                Counters.NodeChanged();
                foreach (var line in outcome.Logs)
                {
                    Log.Info(line, step.Node, iteration);
                }

                Log.Info(string.Create(CultureInfo.InvariantCulture, $"completed in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.###} ms"), step.Node, iteration);
                return new StepResult(outcome.Output, null, attempt);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException) when (timeout?.IsCancellationRequested == true)
            {
                error = $"timed out after {Duration.Format(step.Timeout!.Value)}";
            }
            catch (Exception e)
            {
                error = e is NodeExecutionException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            }
            finally
            {
                linked?.Dispose();
                timeout?.Dispose();
            }

            var policy = step.Retry;
            var willRetry = attempt < policy.MaxAttempts;
            counters.AttemptFailed(error, willRetry, _setup.Clock.GetUtcNow());
            Counters.NodeChanged();
            if (!willRetry)
            {
                return new StepResult(null, error, attempt);
            }

            var delay = policy.NextDelay(attempt, Random.Shared.NextDouble());
            Log.Warning($"attempt {attempt} failed: {error}; attempt {attempt + 1} in {Duration.Format(delay)}", step.Node, iteration);
            await Task.Delay(delay, _setup.Clock, cancellationToken);
        }
    }

    /// <summary>A node failed for good: record it (error record, last error, log) and apply the loop's <c>onError</c>.</summary>
    private async Task FailedAsync(LoopStep step, JsonNode? data, long iteration, string token, StepResult result)
    {
        var errorId = $"{_setup.RunId}.{_setup.Loop}.{step.Node}.{token}";
        var info = new LoopErrorInfo
        {
            Node = step.Node,
            Iteration = iteration,
            Attempts = result.Attempts,
            Message = result.Error!,
            Input = data?.DeepClone(),
            ErrorId = errorId,
            At = _setup.Clock.GetUtcNow(),
        };
        Counters.IterationFailed(info);
        Log.Error($"iteration {iteration} failed after {result.Attempts} attempt(s): {result.Error} (error record {errorId})", step.Node, iteration);
        LogNodeFailed(_setup.Logger, LoopId, step.Node, iteration, result.Error!);
        try
        {
            await _setup.Grains.GetGrain<IErrorRecordGrain>(errorId).CreateAsync(_setup.Engine.Recovery.Apply(new NewErrorRecord
            {
                RunId = _setup.RunId,
                Workflow = _setup.Workflow,
                Loop = _setup.Loop,
                Node = step.Node,
                Iteration = (int)Math.Min(iteration, int.MaxValue),
                Attempts = result.Attempts,
                Error = result.Error!,
                Input = data?.DeepClone(),
                EscalationWebhook = _setup.Engine.EscalationWebhook,
                TraceParent = Diagnostics.OrchestratorTracing.CurrentTraceParent(),
            }, step.Definition.Severity)).WaitAsync(Stopping);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogErrorRecordFailed(_setup.Logger, e, LoopId, errorId);
        }

        switch (_setup.Definition.OnError)
        {
            case LoopErrorPolicies.Pause:
                _gate.Close();
                Log.Warning($"paused: node '{step.Node}' failed and onError is pause");
                await CheckpointAsync(LoopStatus.Paused, $"node '{step.Node}' failed in iteration {iteration}: {result.Error}");
                break;
            case LoopErrorPolicies.Stop:
                _gate.Close();
                Log.Error($"stopping: node '{step.Node}' failed and onError is stop");
                await CheckpointAsync(LoopStatus.Error, $"node '{step.Node}' failed in iteration {iteration}: {result.Error}");
                break;
        }
    }

    private async Task DrainHandedOffAsync()
    {
        while (true)
        {
            Task[] detached;
            lock (_detachedLock)
            {
                detached = [.. _detached];
            }

            if (detached.Length == 0)
            {
                return;
            }

            // Each hand-off records its own failure; only the loop stopping ends the wait early. (The wait must really
            // wait: a wait that returned at once would spin, and on the async pool's one scheduler the hand-offs would
            // never get a turn to finish.)
            await WaitQuietlyAsync(Task.WhenAll(detached).WaitAsync(Stopping), Timeout.InfiniteTimeSpan);
            Stopping.ThrowIfCancellationRequested();
        }
    }

    private Task CheckpointAsync(LoopStatus? transition, string? reason) =>
        _setup.Self.CheckpointAsync(transition, reason).WaitAsync(Stopping);

    private void Track(Task task)
    {
        lock (_detachedLock)
        {
            _detached.Add(task);
        }

        task.ContinueWith(
            finished =>
            {
                lock (_detachedLock)
                {
                    _detached.Remove(finished);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private static async Task WaitQuietlyAsync(Task task, TimeSpan? wait = null)
    {
        try
        {
            await task.WaitAsync(wait ?? DisposeWait);
        }
        catch (Exception)
        {
            // Failures were logged where they happened; a node that ignores cancellation is abandoned after the wait.
        }
    }

    private sealed record StepResult(JsonNode? Output, string? Error, int Attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Loop {LoopId}: the producer failed")]
    private static partial void LogProducerFailed(ILogger logger, Exception exception, string loopId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loop {LoopId}: node {Node} failed in iteration {Iteration}: {Error}")]
    private static partial void LogNodeFailed(ILogger logger, string loopId, string node, long iteration, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Loop {LoopId}: error record {ErrorId} could not be created")]
    private static partial void LogErrorRecordFailed(ILogger logger, Exception exception, string loopId, string errorId);
}
