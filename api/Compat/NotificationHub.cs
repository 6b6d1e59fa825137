using System.Collections.Concurrent;
using Orchestrator.Api.Streams;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orchestrator.Errors;
using Orchestrator.Runs;
using Orchestrator.Providers.Streams;
using Orleans;
using Orleans.Runtime;

namespace Orchestrator.Api.Compat;

/// <summary>Feeds every <c>WS /ws</c> session: one live subscription to all runs' events and one to error records
/// (taken when the first session opens), each item mapped once to seed 004's shape and offered to every session. A
/// session that cannot keep up is cut off; the hub and the engine never wait for one.</summary>
internal sealed partial class NotificationHub(IServiceProvider services, IGrainFactory grains, ILogger<NotificationHub> logger)
    : ITopicObserver<RunEvent>, ITopicObserver<ErrorRecordSnapshot>
{
    private readonly ConcurrentDictionary<long, NotificationSession> _sessions = new();
    private readonly RunWorkflowNames _workflows = new(10_000);
    private readonly Lock _lock = new();
    private Task? _subscribed;

    public async Task AddAsync(NotificationSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        await EnsureSubscribedAsync();
        _sessions[session.Socket.Id] = session;
    }

    public void Remove(NotificationSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _sessions.TryRemove(session.Socket.Id, out _);
    }

    async Task ITopicObserver<RunEvent>.OnNextAsync(RunEvent item, TopicPosition token)
    {
        if (item.Type == RunEventTypes.RunCreated && item.Data?["workflow"]?.GetValue<string>() is { } name)
        {
            _workflows.Remember(item.RunId, name);
        }

        if (_sessions.IsEmpty || SeedMessages.Execution(item, workflow: null) is null)
        {
            return;
        }

        var workflow = await WorkflowOfAsync(item.RunId);
        var message = SeedMessages.Execution(item, workflow)!;
        Offer(new NotificationMessage((string)message["type"]!, item.RunId, workflow, JsonSerializer.SerializeToUtf8Bytes(message, StreamJson.Options)));
    }

    Task ITopicObserver<ErrorRecordSnapshot>.OnNextAsync(ErrorRecordSnapshot item, TopicPosition token)
    {
        if (!_sessions.IsEmpty)
        {
            var message = SeedMessages.ErrorRecord(item);
            Offer(new NotificationMessage((string)message["type"]!, item.RunId, item.Workflow, JsonSerializer.SerializeToUtf8Bytes(message, StreamJson.Options)));
        }

        return Task.CompletedTask;
    }

    private void Offer(NotificationMessage message)
    {
        foreach (var session in _sessions.Values)
        {
            session.Offer(message);
        }
    }

    private async Task<string?> WorkflowOfAsync(string runId)
    {
        if (_workflows.TryGet(runId, out var known))
        {
            return known;
        }

        try
        {
            var run = await grains.GetGrain<IRunGrain>(runId).GetAsync();
            _workflows.Remember(runId, run.Workflow);
            return run.Workflow;
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or TimeoutException)
        {
            LogWorkflowUnknown(logger, e, runId);
            return null;
        }
    }

    private Task EnsureSubscribedAsync()
    {
        lock (_lock)
        {
            // A failed attempt (the silo stopping, say) is tried again by the next session.
            if (_subscribed is null || _subscribed.IsFaulted || _subscribed.IsCanceled)
            {
                _subscribed = SubscribeAsync();
            }

            return _subscribed;
        }
    }

    private async Task SubscribeAsync()
    {
        var provider = TopicProviders.Get(services, TopicProviderNames.Memory);
        await provider.GetTopic<RunEvent>(StreamId.Create(RunEventTypes.StreamNamespace, RunEventTypes.AllRunsStreamKey)).SubscribeAsync(this);
        await provider.GetTopic<ErrorRecordSnapshot>(StreamId.Create(ErrorRecordEvents.StreamNamespace, ErrorRecordEvents.AllKey)).SubscribeAsync(this);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The workflow of run {RunId} could not be read for a /ws notification")]
    private static partial void LogWorkflowUnknown(ILogger logger, Exception exception, string runId);
}
