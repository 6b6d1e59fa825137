namespace Orchestrator.Providers.Streams;

/// <summary>Position of an item in its stream.</summary>
/// <param name="Sequence">Durable streams: the item's sequence number (1, 2, …); memory streams: -1.</param>
/// <param name="DeliveryAttempt">1 on first delivery, higher when the item is delivered again.</param>
public sealed record TopicPosition(long Sequence, int DeliveryAttempt);
