namespace Orchestrator.Providers.Streams;

/// <summary>A named stream provider.</summary>
public interface ITopicProvider
{
    /// <summary>The provider's name (see <see cref="TopicProviderNames"/>).</summary>
    string Name { get; }

    /// <summary>True when items are stored and delivered at least once.</summary>
    bool IsDurable { get; }

    /// <summary>Returns a handle to a stream; streams exist logically and need no creation.</summary>
    ITopic<T> GetTopic<T>(StreamId id);
}
