namespace Orchestrator.Providers.Streams;

/// <summary>A named stream provider.</summary>
public interface IStreamProvider
{
    /// <summary>The provider's name (see <see cref="StreamProviderNames"/>).</summary>
    string Name { get; }

    /// <summary>True when items are stored and delivered at least once.</summary>
    bool IsDurable { get; }

    /// <summary>Returns a handle to a stream; streams exist logically and need no creation.</summary>
    IAsyncStream<T> GetStream<T>(StreamId id);
}
