using Orchestrator.Providers.Streams;

namespace Orchestrator.Runs;

/// <summary>Where run events are announced once written: the memory topic of their run and the one of all runs.</summary>
internal static class RunEventTopics
{
    public static void Publish(IServiceProvider services, string runId, IReadOnlyList<RunEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        var provider = TopicProviders.Get(services, TopicProviderNames.Memory);
        var run = provider.GetTopic<RunEvent>(StreamId.Create(RunEventTypes.StreamNamespace, runId));
        var allRuns = provider.GetTopic<RunEvent>(StreamId.Create(RunEventTypes.StreamNamespace, RunEventTypes.AllRunsStreamKey));
        foreach (var runEvent in events)
        {
            // Memory topics never block the publisher; the returned tasks are already complete.
            _ = run.OnNextAsync(runEvent);
            _ = allRuns.OnNextAsync(runEvent);
        }
    }
}
