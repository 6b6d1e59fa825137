using Orchestrator.Providers.Streams;

namespace Orchestrator.Tasks;

/// <summary>Where a queue announces that a task became ready: the memory topic of all task queues (relayed to every
/// silo), carrying the queue's name, so that claims waiting in the HTTP API on any silo try again.</summary>
internal static class TaskReadyTopic
{
    public static StreamId Id { get; } = StreamId.Create(TaskReadyAnnouncements.Namespace, TaskReadyAnnouncements.Key);

    public static ITopic<string> Get(IServiceProvider services) =>
        TopicProviders.Get(services, TopicProviderNames.Memory).GetTopic<string>(Id);
}
