namespace Orchestrator.Providers.Streams;

/// <summary>Names of the stream providers every silo registers.</summary>
public static class TopicProviderNames
{
    /// <summary>Live, in-memory, best effort: subscribers present when an item is published get it.</summary>
    public const string Memory = "memory";

    /// <summary>Stored in the silo's storage: ordered per stream, at-least-once, per-consumer offsets, bounded,
    /// with a dead-letter list.</summary>
    public const string Durable = "durable";
}
