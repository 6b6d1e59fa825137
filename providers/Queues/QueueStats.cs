namespace Orchestrator.Providers.Queues;

/// <summary>Counters of a durable queue.</summary>
/// <param name="Queue">The queue.</param>
/// <param name="Produced">Items ever appended (the last sequence number).</param>
/// <param name="Depth">Items stored that some consumer has not acknowledged yet (all stored items when it has no consumers).</param>
/// <param name="DeadLettered">Dead letters recorded for this queue.</param>
/// <param name="Consumers">Each consumer's position.</param>
public sealed record QueueStats(StreamId Queue, long Produced, long Depth, long DeadLettered, IReadOnlyList<QueueConsumer> Consumers);
