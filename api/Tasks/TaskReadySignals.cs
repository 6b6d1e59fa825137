using System.Collections.Concurrent;
using Orchestrator.Providers.Streams;
using Orchestrator.Tasks;
using Orleans.Runtime;

namespace Orchestrator.Api.Tasks;

/// <summary>Wakes the claims waiting on this silo when a task queue says a task became ready.</summary>
/// <remarks>How the long poll of <c>POST /api/tasks/{queue}/claim</c> waits: a claim never blocks inside a grain. The
/// endpoint makes short calls (<see cref="ITaskQueueGrain.TryClaimAsync"/>, which answers at once) and, between them,
/// waits here for the queue's announcement on the task-ready memory topic, which every silo receives (the cluster relay
/// carries it), so a claim made through any silo wakes when a task is queued on the silo that holds the queue. A grain call
/// that waited for a task could outlive Orleans' 30-second call timeout (the wait may be 60 s) and would hold the queue's
/// turn or need reentrancy around its writes; polling storage would cost a query per worker per tick. An announcement can
/// be missed (the topic is not durable), so a waiting claim also tries again every <see cref="Recheck"/>.</remarks>
internal sealed class TaskReadySignals(IServiceProvider services) : ITopicObserver<string>, IAsyncDisposable
{
    /// <summary>How often a waiting claim tries again without an announcement.</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _next = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _subscribing = new(1, 1);
    private TopicSubscription? _subscription;

    /// <summary>A task that completes at the next announcement of <paramref name="queue"/>. Take it before trying to claim,
    /// so that an announcement between the try and the wait is not missed.</summary>
    public async Task<Task> NextAsync(string queue)
    {
        if (_subscription is null)
        {
            await _subscribing.WaitAsync();
            try
            {
                _subscription ??= await TopicProviders.Get(services, TopicProviderNames.Memory)
                    .GetTopic<string>(StreamId.Create(TaskReadyAnnouncements.Namespace, TaskReadyAnnouncements.Key))
                    .SubscribeAsync(this);
            }
            finally
            {
                _subscribing.Release();
            }
        }

        return _next.GetOrAdd(queue, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
    }

    public Task OnNextAsync(string item, TopicPosition token)
    {
        if (item is not null && _next.TryRemove(item, out var waiting))
        {
            waiting.TrySetResult();
        }

        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_subscription is { } subscription)
        {
            await subscription.UnsubscribeAsync();
        }

        _subscribing.Dispose();
    }
}
