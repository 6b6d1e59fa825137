namespace Orchestrator.Providers.Streams.Memory;

/// <summary>A live subscription of any item type.</summary>
internal interface IMemorySubscription
{
    /// <summary>Items dropped because the subscriber's buffer was full.</summary>
    long Dropped { get; }

    Task StopAsync();
}
