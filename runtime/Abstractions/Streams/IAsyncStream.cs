namespace Orchestrator.Runtime;

/// <summary>A stream of items of type <typeparamref name="T"/>.</summary>
public interface IAsyncStream<T>
{
    /// <summary>The stream's identity.</summary>
    StreamId Id { get; }

    /// <summary>Publishes an item. On a durable stream this completes once the item is stored, and waits while the
    /// stream is full (up to the provider's publish timeout, then <see cref="StreamFullException"/>).</summary>
    /// <returns>The item's sequence number in the stream (durable streams), or -1 (memory streams).</returns>
    Task<long> OnNextAsync(T item, CancellationToken cancellationToken = default);

    /// <summary>Subscribes an observer. On a durable stream, <see cref="StreamSubscriptionOptions.Consumer"/> names the
    /// consumer whose offset is kept: subscribing again with the same name (after a restart, say) resumes after the
    /// last acknowledged item.</summary>
    Task<StreamSubscriptionHandle> SubscribeAsync(IAsyncObserver<T> observer, StreamSubscriptionOptions? options = null);
}
