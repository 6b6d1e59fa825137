namespace Orchestrator.Runtime.Streams;

/// <summary>A stored item of a durable stream.</summary>
public sealed record StoredStreamItem(StreamId Stream, long Sequence, string Payload, DateTimeOffset EnqueuedAt);
