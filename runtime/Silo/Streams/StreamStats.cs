namespace Orchestrator.Runtime.Streams;

/// <summary>Counters of a durable stream.</summary>
/// <param name="Stream">The stream.</param>
/// <param name="Produced">Items ever appended (the last sequence number).</param>
/// <param name="Depth">Items stored that some consumer has not acknowledged yet (all stored items when it has no consumers).</param>
/// <param name="DeadLettered">Dead letters recorded for this stream.</param>
/// <param name="Consumers">Each consumer's position.</param>
public sealed record StreamStats(StreamId Stream, long Produced, long Depth, long DeadLettered, IReadOnlyList<StreamConsumerState> Consumers);
