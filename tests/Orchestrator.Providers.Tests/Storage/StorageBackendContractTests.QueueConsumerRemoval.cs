using Orchestrator.Providers.Queues;

namespace Orchestrator.Providers.Tests.Storage;

/// <summary>Removing a durable stream's consumer, on every backend.</summary>
public abstract partial class StorageBackendContractTests
{
    [Fact]
    public async Task RemoveConsumerAsync_DeletesWhatTheRemainingConsumersAcknowledged_WhenTheSlowConsumerIsRemoved()
    {
        await Backend.Queues.RegisterConsumerAsync(Queue, "fast", Ct);
        await Backend.Queues.RegisterConsumerAsync(Queue, "slow", Ct);
        for (var i = 0; i < 3; i++)
        {
            await Backend.Queues.AppendAsync(Queue, $"item {i}", 3, T0, Ct);
        }

        await Backend.Queues.AcknowledgeAsync(Queue, "fast", 3, Ct);
        var whileHeld = await Backend.Queues.AppendAsync(Queue, "refused", 3, T0, Ct);

        await Backend.Queues.RemoveConsumerAsync(Queue, "slow", Ct);
        await ReopenBackendAsync();

        Assert.Null(whileHeld);
        Assert.Empty(await Backend.Queues.ReadAsync(Queue, 0, 10, Ct));
        var stats = await Backend.Queues.GetStatsAsync(Queue, Ct);
        Assert.Equal(0, stats.Depth);
        Assert.Equal(new QueueConsumer(Queue, "fast", 3, 0, null), Assert.Single(stats.Consumers));
        Assert.Equal(4, await Backend.Queues.AppendAsync(Queue, "accepted", 3, T0, Ct));
    }

    [Fact]
    public async Task RemoveConsumerAsync_KeepsTheItems_WhenNoConsumerRemains()
    {
        await Backend.Queues.RegisterConsumerAsync(Queue, "loop", Ct);
        for (var i = 0; i < 3; i++)
        {
            await Backend.Queues.AppendAsync(Queue, $"item {i}", 10, T0, Ct);
        }

        await Backend.Queues.AcknowledgeAsync(Queue, "loop", 1, Ct);

        await Backend.Queues.RemoveConsumerAsync(Queue, "loop", Ct);

        Assert.Equal([2L, 3], (await Backend.Queues.ReadAsync(Queue, 0, 10, Ct)).Select(item => item.Sequence));
        var stats = await Backend.Queues.GetStatsAsync(Queue, Ct);
        Assert.Equal((3L, 2L), (stats.Produced, stats.Depth));
        Assert.Empty(stats.Consumers);
        Assert.Equal([Queue], await Backend.Queues.ListQueuesAsync("queue", Ct));
    }

    [Fact]
    public async Task RemoveConsumerAsync_ChangesNothing_WhenTheConsumerIsUnknown()
    {
        var unknownStream = StreamId.Create("queue", "never-used");
        await Backend.Queues.RegisterConsumerAsync(Queue, "loop", Ct);
        await Backend.Queues.AppendAsync(Queue, "a", 10, T0, Ct);
        await Backend.Queues.AppendAsync(Queue, "b", 10, T0, Ct);
        await Backend.Queues.AcknowledgeAsync(Queue, "loop", 1, Ct);

        await Backend.Queues.RemoveConsumerAsync(Queue, "nobody", Ct);
        await Backend.Queues.RemoveConsumerAsync(unknownStream, "nobody", Ct);

        Assert.Equal(["b"], (await Backend.Queues.ReadAsync(Queue, 0, 10, Ct)).Select(item => item.Payload));
        Assert.Equal(new QueueConsumer(Queue, "loop", 1, 0, null), Assert.Single(await Backend.Queues.ListConsumersAsync("queue", Ct)));
        Assert.Equal([Queue], await Backend.Queues.ListQueuesAsync("queue", Ct));
    }
}
