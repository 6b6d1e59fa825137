using System.Text.Json.Nodes;

namespace Orchestrator.Queues;

/// <summary>A message on a named queue, as <c>queue.push</c> stores it. <see cref="Id"/> is stable across retries of
/// the push that produced it, so a consumer that sees an id twice drops the second copy.</summary>
public sealed record QueueMessage
{
    /// <summary>Who pushed it and for what: <c>{runId}/{node}/{iteration}</c> from a run,
    /// <c>{loopId}/{node}/{iteration}</c> from a loop.</summary>
    public required string Id { get; init; }

    public JsonNode? Value { get; init; }

    /// <summary>When the push stored it.</summary>
    public DateTimeOffset ProducedAt { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the push's span, so that the consumer's span links to it; null when the
    /// push was not traced (and for messages stored before messages carried it).</summary>
    public string? TraceParent { get; init; }
}
