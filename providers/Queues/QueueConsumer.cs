namespace Orchestrator.Providers.Queues;

/// <summary>A consumer's position in a durable queue.</summary>
/// <param name="Queue">The queue.</param>
/// <param name="Consumer">The consumer's name.</param>
/// <param name="Offset">Sequence of the last item acknowledged (0 before the first).</param>
/// <param name="Failures">Failed deliveries of the item after <paramref name="Offset"/>.</param>
/// <param name="LastError">The last delivery error, or null.</param>
public sealed record QueueConsumer(StreamId Queue, string Consumer, long Offset, int Failures, string? LastError);
