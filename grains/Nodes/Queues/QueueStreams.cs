namespace Orchestrator.Nodes.Queues;

/// <summary>The durable streams behind named queues: <c>queue.push</c> nodes publish to them, <c>queue</c> producers of
/// loops consume them. Items are <see cref="System.Text.Json.Nodes.JsonNode"/>s.</summary>
internal static class QueueStreams
{
    /// <summary>The stream namespace of queues.</summary>
    public const string Namespace = "queue";

    /// <summary>The stream of the queue named <paramref name="queue"/>.</summary>
    public static StreamId For(string queue)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        return StreamId.Create(Namespace, queue);
    }
}
