using System.Text.Json;

namespace Orchestrator.Runtime;

/// <summary>One stored stream item as delivered to an implicit consumer.</summary>
/// <param name="Stream">The stream.</param>
/// <param name="Sequence">The item's sequence number in the stream.</param>
/// <param name="Payload">The item, serialized as JSON.</param>
/// <param name="EnqueuedAt">When it was stored.</param>
/// <param name="DeliveryAttempt">1 on first delivery.</param>
public sealed record StreamItem(StreamId Stream, long Sequence, string Payload, DateTimeOffset EnqueuedAt, int DeliveryAttempt)
{
    /// <summary>Deserializes the payload.</summary>
    public T GetValue<T>(JsonSerializerOptions? options = null) =>
        JsonSerializer.Deserialize<T>(Payload, options ?? JsonSerializerOptions.Web)!;
}
