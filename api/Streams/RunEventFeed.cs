using Microsoft.Extensions.Options;
using Orchestrator.Runs;
using Orchestrator.Providers.Streams;
using Orleans;
using Orleans.Runtime;

namespace Orchestrator.Api.Streams;

/// <summary>Opens <see cref="RunEventSubscription"/>s on the silo's memory streams, with the configured limits.</summary>
internal sealed class RunEventFeed(IGrainFactory grains, IServiceProvider services, IOptions<WebSocketStreamOptions> options)
{
    /// <summary>Subscribes to the live events of <paramref name="runId"/>; read them (log first) with
    /// <see cref="RunEventSubscription.ReadAsync"/>. <paramref name="onOverflow"/> is called (once, on the stream's
    /// thread) when the subscriber falls too far behind.</summary>
    public Task<RunEventSubscription> SubscribeAsync(string runId, Action<string>? onOverflow = null) =>
        RunEventSubscription.OpenAsync(
            TopicProviders.Get(services, TopicProviderNames.Memory).GetTopic<RunEvent>(StreamId.Create(RunEventTypes.StreamNamespace, runId)),
            grains.GetGrain<IRunGrain>(runId),
            Math.Max(1, options.Value.MaxBufferedEvents),
            Math.Clamp(options.Value.ReplayPageSize, 1, 10_000),
            onOverflow);
}
