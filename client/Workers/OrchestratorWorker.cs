using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Client.Rest;
using Orchestrator.Tasks;

namespace Orchestrator.Client.Workers;

/// <summary>A worker process's side of remote workers: claims the tasks of <c>worker</c> nodes from the orchestrator's
/// task queues over HTTP (a long poll), runs a handler per queue with at most
/// <see cref="OrchestratorWorkerOptions.MaxConcurrent"/> tasks in hand, sends heartbeats on its own while a handler
/// runs, and completes the task with the handler's result or fails it with its exception. A handler's
/// <see cref="CancellationToken"/> is cancelled when a heartbeat says the run or node was cancelled, when the claim was
/// lost (taken over after a silence longer than the heartbeat timeout), or when the worker stops.</summary>
public sealed partial class OrchestratorWorker : IDisposable
{
    private readonly OrchestratorWorkerOptions _options;
    private readonly HttpClient _http;
    private readonly OrchestratorRestClient _client;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Func<WorkerTask, CancellationToken, Task<JsonNode?>>> _handlers = new(StringComparer.Ordinal);
    private long _completed;
    private long _failed;
    private long _lost;

    /// <summary>A worker with <paramref name="options"/>; <paramref name="handler"/> carries its HTTP requests (a default
    /// one when null).</summary>
    public OrchestratorWorker(OrchestratorWorkerOptions options, HttpMessageHandler? handler = null, ILogger<OrchestratorWorker>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxConcurrent < 1)
        {
            throw new ArgumentException("MaxConcurrent must be at least 1.", nameof(options));
        }

        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null)
        {
            BaseAddress = options.ServerUrl,
            Timeout = options.ClaimWait + TimeSpan.FromSeconds(30),
        };
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        }

        _client = new OrchestratorRestClient(_http);
    }

    /// <summary>The queues this worker claims from: those it has handlers for.</summary>
    public IReadOnlyCollection<string> Queues => _handlers.Keys;

    /// <summary>Tasks this worker completed.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Tasks this worker failed (its handler threw).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Tasks whose claim this worker lost (its report was refused: the task ended or was taken over).</summary>
    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>Handles the tasks of <paramref name="queue"/> with <paramref name="handler"/>, whose result is the node's
    /// output.</summary>
    public OrchestratorWorker Handle(string queue, Func<WorkerTask, CancellationToken, Task<JsonNode?>> handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        ArgumentNullException.ThrowIfNull(handler);
        _handlers[queue] = handler;
        return this;
    }

    /// <summary>Handles queues with the methods of <paramref name="target"/> marked <see cref="TaskHandlerAttribute"/>.</summary>
    public OrchestratorWorker AddHandlers(object target)
    {
        ArgumentNullException.ThrowIfNull(target);
        foreach (var (queue, handler) in TaskHandlerMethods.Find(target))
        {
            Handle(queue, handler);
        }

        return this;
    }

    /// <summary>Claims and runs tasks until <paramref name="stoppingToken"/> is cancelled; then cancels the handlers still
    /// running, fails their tasks (so that they are retried at once elsewhere) and returns.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        if (_handlers.Count == 0)
        {
            throw new InvalidOperationException("The worker has no handlers: call Handle or AddHandlers first.");
        }

        using var slots = new SemaphoreSlim(_options.MaxConcurrent, _options.MaxConcurrent);
        var pollers = _handlers.SelectMany(pair => Enumerable.Range(0, _options.MaxConcurrent)
            .Select(_ => Task.Run(() => PollAsync(pair.Key, pair.Value, slots, stoppingToken), CancellationToken.None)));
        await Task.WhenAll(pollers).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();

    private async Task PollAsync(string queue, Func<WorkerTask, CancellationToken, Task<JsonNode?>> handler, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                var claim = await _client.ClaimTaskAsync(queue, _options.WorkerName, _options.ClaimWait, stoppingToken).ConfigureAwait(false);
                if (claim is not null)
                {
                    await ExecuteAsync(claim, handler, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is OrchestratorUnavailableException or OrchestratorApiException)
            {
                LogClaimFailed(_logger, e, queue);
                await DelayAsync(_options.RetryDelay, stoppingToken).ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }
        }
    }

    private async Task ExecuteAsync(TaskClaim claim, Func<WorkerTask, CancellationToken, Task<JsonNode?>> handler, CancellationToken stoppingToken)
    {
        using var running = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var lost = false;
        var task = new WorkerTask(claim, _client, async cancelRequested =>
        {
            if (cancelRequested)
            {
                await running.CancelAsync().ConfigureAwait(false);
            }
        });
        using var heartbeats = new CancellationTokenSource();
        var beating = HeartbeatAsync(task, running, () => lost = true, heartbeats.Token);
        JsonNode? output = null;
        Exception? failure = null;
        try
        {
            output = await handler(task, running.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            await heartbeats.CancelAsync().ConfigureAwait(false);
            await beating.ConfigureAwait(false);
        }

        if (lost)
        {
            Interlocked.Increment(ref _lost);
            return;
        }

        try
        {
            if (failure is null)
            {
                await ReportAsync(() => _client.CompleteTaskAsync(claim.TaskId, output, CancellationToken.None)).ConfigureAwait(false);
                Interlocked.Increment(ref _completed);
            }
            else
            {
                var error = failure is OperationCanceledException && running.IsCancellationRequested
                    ? stoppingToken.IsCancellationRequested ? $"worker '{_options.WorkerName}' stopped" : "cancelled"
                    : $"{failure.GetType().Name}: {failure.Message}";
                await ReportAsync(() => _client.FailTaskAsync(claim.TaskId, error, CancellationToken.None)).ConfigureAwait(false);
                Interlocked.Increment(ref _failed);
            }
        }
        catch (OrchestratorApiException e) when (e.Status is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            Interlocked.Increment(ref _lost);
            LogReportRefused(_logger, claim.TaskId, e.Detail ?? e.Message);
        }
    }

    /// <summary>Sends heartbeats until the handler ends; a refused one (the claim was lost) cancels the handler.</summary>
    private async Task HeartbeatAsync(WorkerTask task, CancellationTokenSource running, Action onLost, CancellationToken stop)
    {
        var period = TimeSpan.FromMilliseconds(Math.Max(50, task.HeartbeatTimeout.TotalMilliseconds * _options.HeartbeatFraction));
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                try
                {
                    await task.HeartbeatAsync(null, stop).ConfigureAwait(false);
                }
                catch (OrchestratorApiException e) when (e.Status is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
                {
                    onLost();
                    await running.CancelAsync().ConfigureAwait(false);
                    return;
                }
                catch (OrchestratorUnavailableException e)
                {
                    LogHeartbeatFailed(_logger, e, task.TaskId);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The handler ended.
        }
    }

    /// <summary>Reports an end, trying again while the server cannot be reached (a restart, say) for up to a minute.</summary>
    private async Task ReportAsync(Func<Task> report)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            try
            {
                await report().ConfigureAwait(false);
                return;
            }
            catch (Exception e) when ((e is OrchestratorUnavailableException || (e is OrchestratorApiException api && (int)api.Status >= 500)) && DateTime.UtcNow < until)
            {
                await Task.Delay(_options.RetryDelay).ConfigureAwait(false);
            }
        }
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    internal static JsonNode? ToOutput(object? value) => value switch
    {
        null => null,
        JsonNode node => node,
        _ => JsonSerializer.SerializeToNode(value, OrchestratorRestClient.Json),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claiming from task queue {Queue} failed")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A heartbeat of task {TaskId} failed")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception, string taskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The report of task {TaskId} was refused: {Reason}")]
    private static partial void LogReportRefused(ILogger logger, string taskId, string reason);
}
