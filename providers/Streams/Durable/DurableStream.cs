namespace Orchestrator.Providers.Streams.Durable;

/// <summary>A handle on a durable stream.</summary>
internal sealed class DurableStream<T>(DurableStreamProvider provider, StreamId id) : ITopic<T>
{
    public StreamId Id => id;

    public Task<long> OnNextAsync(T item, CancellationToken cancellationToken = default) =>
        provider.PublishAsync(id, item, cancellationToken);

    public Task<TopicSubscription> SubscribeAsync(ITopicObserver<T> observer, TopicSubscriptionOptions? options = null) =>
        provider.SubscribeAsync(id, observer, options?.Consumer);

    public Task RemoveConsumerAsync(string consumer) => provider.RemoveConsumerAsync(id, consumer);
}
