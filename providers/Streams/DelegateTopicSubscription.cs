namespace Orchestrator.Providers.Streams;

/// <summary>A subscription handle that runs an action on unsubscribe.</summary>
internal sealed class DelegateTopicSubscription(StreamId streamId, Func<Task> unsubscribe) : TopicSubscription
{
    private int _unsubscribed;

    public override StreamId StreamId => streamId;

    public override Task UnsubscribeAsync() =>
        Interlocked.Exchange(ref _unsubscribed, 1) == 0 ? unsubscribe() : Task.CompletedTask;
}
