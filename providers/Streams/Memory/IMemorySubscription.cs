namespace Orchestrator.Providers.Streams.Memory;

/// <summary>A live subscription of any item type.</summary>
internal interface IMemorySubscription
{
    /// <summary>Items dropped because the subscriber's buffer was full.</summary>
    long Dropped { get; }

    /// <summary>Buffers an item of the subscription's type (others are ignored); false when it was not taken.</summary>
    bool TryPost(object item);

    Task StopAsync();
}
