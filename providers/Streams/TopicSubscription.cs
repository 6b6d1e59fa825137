namespace Orchestrator.Providers.Streams;

/// <summary>A live subscription; disposing it unsubscribes (a durable consumer's offset is kept).</summary>
public abstract class TopicSubscription : IAsyncDisposable
{
    /// <summary>The subscribed stream.</summary>
    public abstract StreamId StreamId { get; }

    /// <summary>Stops delivery to this subscription.</summary>
    public abstract Task UnsubscribeAsync();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await UnsubscribeAsync();
        GC.SuppressFinalize(this);
    }
}
