using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Loops.Producers;
using Orchestrator.Nodes.Queues;
using Orchestrator.Providers.Queues;
using Orchestrator.Providers.Streams;
using Orchestrator.Queues;

namespace Orchestrator.Loops;

/// <summary>After the silo starts (and its runs, and so their loops, resumed), removes every queue consumer named for a
/// loop (<see cref="QueueProducer.ConsumerOf"/>) that no longer reads that queue: the loop ended, or does not exist. Such
/// a consumer is left when a silo stops between a loop's end and the removal of its consumer; its undrained messages
/// would count against the queue's capacity for ever. Consumers not named for a loop are left alone.</summary>
internal sealed partial class LoopConsumerSweep(
    IQueueStore store,
    IGrainFactory grains,
    IServiceProvider services,
    ILogger<LoopConsumerSweep> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SweepAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The next start sweeps again; a silo does not fail to start for this.
            LogSweepFailed(logger, e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Removes the consumers of loops that ended or do not exist; returns how many it removed.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var consumer in await store.ListConsumersAsync(QueueStreams.Namespace, cancellationToken))
        {
            if (!QueueProducer.TryLoopOf(consumer.Consumer, out var loopId) || await ReadsAsync(loopId, consumer.Queue) != false)
            {
                continue;
            }

            await TopicProviders.Get(services, TopicProviderNames.Durable).GetTopic<QueueMessage>(consumer.Queue).RemoveConsumerAsync(consumer.Consumer);
            LogRemoved(logger, consumer.Consumer, consumer.Queue);
            removed++;
        }

        return removed;
    }

    /// <summary>True when loop <paramref name="loopId"/> still reads <paramref name="queue"/>, false when it ended or does
    /// not exist, null when that cannot be told now (the consumer is kept).</summary>
    private async Task<bool?> ReadsAsync(string loopId, StreamId queue)
    {
        if (!LoopIds.TryParse(loopId, out _, out _))
        {
            return false;
        }

        try
        {
            var loop = await grains.GetGrain<ILoopGrain>(loopId).GetAsync();
            return !loop.State.IsEnded() && loop.Queue is { } name && QueueStreams.For(name) == queue;
        }
        catch (LoopNotFoundException)
        {
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogLoopUnreadable(logger, e, loopId);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed queue consumer {Consumer} of {Queue}: its loop ended or does not exist")]
    private static partial void LogRemoved(ILogger logger, string consumer, StreamId queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loop {LoopId} could not be read; its queue consumer is kept")]
    private static partial void LogLoopUnreadable(ILogger logger, Exception exception, string loopId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The sweep of queue consumers whose loops ended failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
