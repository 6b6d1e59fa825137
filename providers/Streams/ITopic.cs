namespace Orchestrator.Providers.Streams;

/// <summary>A stream of items of type <typeparamref name="T"/>.</summary>
public interface ITopic<T>
{
    /// <summary>The stream's identity.</summary>
    StreamId Id { get; }

    /// <summary>Publishes an item. On a durable stream this completes once the item is stored, and waits while the
    /// stream is full (up to the provider's publish timeout, then <see cref="StreamFullException"/>).</summary>
    /// <returns>The item's sequence number in the stream (durable streams), or -1 (memory streams).</returns>
    Task<long> OnNextAsync(T item, CancellationToken cancellationToken = default);

    /// <summary>Subscribes an observer. On a durable stream, <see cref="TopicSubscriptionOptions.Consumer"/> names the
    /// consumer whose offset is kept: subscribing again with the same name (after a restart, say) resumes after the
    /// last acknowledged item.</summary>
    Task<TopicSubscription> SubscribeAsync(ITopicObserver<T> observer, TopicSubscriptionOptions? options = null);

    /// <summary>Removes a consumer for good, so that it no longer holds the stream's items. On a durable stream this stops
    /// the consumer's delivery on this silo if it is subscribed (waiting for the item being delivered), deletes its
    /// offset and the items every remaining consumer has acknowledged, and lets publishers waiting for room retry;
    /// subscribing again with the same name later starts from the oldest item still stored. Removing a consumer that
    /// does not exist does nothing. On a memory stream (no offsets) it does nothing.</summary>
    Task RemoveConsumerAsync(string consumer);
}
