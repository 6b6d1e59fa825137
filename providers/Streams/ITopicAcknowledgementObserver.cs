namespace Orchestrator.Providers.Streams;

/// <summary>An observer of a durable stream that wants to act before its items are acknowledged. The provider hands a
/// batch of items over one by one and acknowledges them together; it calls <see cref="OnAcknowledgingAsync"/> first,
/// and if that throws, acknowledges nothing (the items are delivered again).</summary>
public interface ITopicAcknowledgementObserver
{
    /// <summary>Every item up to <paramref name="lastSequence"/> was handled and is about to be acknowledged.</summary>
    Task OnAcknowledgingAsync(long lastSequence);
}
