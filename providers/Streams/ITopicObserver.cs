namespace Orchestrator.Providers.Streams;

/// <summary>Receives stream items. On a durable stream an item is acknowledged when <see cref="OnNextAsync"/>
/// completes; an exception makes the provider deliver it again, and after too many failures it is dead-lettered.</summary>
public interface ITopicObserver<in T>
{
    /// <summary>Handles one item.</summary>
    Task OnNextAsync(T item, TopicPosition token);
}
