namespace Orchestrator.Providers.Streams.Memory;

/// <summary>A handle on a live stream.</summary>
internal sealed class LiveStream<T>(MemoryStreamProvider provider, StreamId id) : ITopic<T>
{
    /// <summary>Live items have no position.</summary>
    private static readonly Task<long> NoPosition = Task.FromResult(-1L);

    public StreamId Id => id;

    public Task<long> OnNextAsync(T item, CancellationToken cancellationToken = default)
    {
        provider.Publish(id, item);
        return NoPosition;
    }

    public Task<TopicSubscription> SubscribeAsync(ITopicObserver<T> observer, TopicSubscriptionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(observer);
        return Task.FromResult(provider.Subscribe(id, observer));
    }

    /// <summary>Live streams keep no consumers: nothing to remove.</summary>
    public Task RemoveConsumerAsync(string consumer) => Task.CompletedTask;
}
