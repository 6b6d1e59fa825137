namespace Orchestrator.Providers.Streams;

/// <summary>Options of a stream subscription.</summary>
public sealed record TopicSubscriptionOptions
{
    /// <summary>Durable streams: the consumer's name, which owns an offset. Required for durable subscriptions.</summary>
    public string? Consumer { get; init; }
}
