namespace Orchestrator.Providers.Queues;

/// <summary>How a queue's stream id maps to the text columns the stores keep.</summary>
internal static class QueueIds
{
    public static string Namespace(StreamId queue) => queue.GetNamespace() ?? "";

    public static string Key(StreamId queue) => queue.GetKeyAsString();

    public static StreamId From(string streamNamespace, string key) => StreamId.Create(streamNamespace, key);
}
