namespace Orchestrator.Providers.Queues;

/// <summary>A stored item of a durable queue.</summary>
public sealed record QueueItem(StreamId Queue, long Sequence, string Payload, DateTimeOffset EnqueuedAt);
