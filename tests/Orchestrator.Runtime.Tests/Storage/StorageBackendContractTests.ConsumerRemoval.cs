using Orchestrator.Runtime.Streams;

namespace Orchestrator.Runtime.Tests.Storage;

/// <summary>Removing a durable stream's consumer, on every backend.</summary>
public abstract partial class StorageBackendContractTests
{
    [Fact]
    public async Task RemoveConsumerAsync_DeletesWhatTheRemainingConsumersAcknowledged_WhenTheSlowConsumerIsRemoved()
    {
        await Backend.Streams.RegisterConsumerAsync(Queue, "fast", Ct);
        await Backend.Streams.RegisterConsumerAsync(Queue, "slow", Ct);
        for (var i = 0; i < 3; i++)
        {
            await Backend.Streams.AppendAsync(Queue, $"item {i}", 3, T0, Ct);
        }

        await Backend.Streams.AcknowledgeAsync(Queue, "fast", 3, Ct);
        var whileHeld = await Backend.Streams.AppendAsync(Queue, "refused", 3, T0, Ct);

        await Backend.Streams.RemoveConsumerAsync(Queue, "slow", Ct);
        await ReopenBackendAsync();

        Assert.Null(whileHeld);
        Assert.Empty(await Backend.Streams.ReadAsync(Queue, 0, 10, Ct));
        var stats = await Backend.Streams.GetStatsAsync(Queue, Ct);
        Assert.Equal(0, stats.Depth);
        Assert.Equal(new StreamConsumerState(Queue, "fast", 3, 0, null), Assert.Single(stats.Consumers));
        Assert.Equal(4, await Backend.Streams.AppendAsync(Queue, "accepted", 3, T0, Ct));
    }

    [Fact]
    public async Task RemoveConsumerAsync_KeepsTheItems_WhenNoConsumerRemains()
    {
        await Backend.Streams.RegisterConsumerAsync(Queue, "loop", Ct);
        for (var i = 0; i < 3; i++)
        {
            await Backend.Streams.AppendAsync(Queue, $"item {i}", 10, T0, Ct);
        }

        await Backend.Streams.AcknowledgeAsync(Queue, "loop", 1, Ct);

        await Backend.Streams.RemoveConsumerAsync(Queue, "loop", Ct);

        Assert.Equal([2L, 3], (await Backend.Streams.ReadAsync(Queue, 0, 10, Ct)).Select(item => item.Sequence));
        var stats = await Backend.Streams.GetStatsAsync(Queue, Ct);
        Assert.Equal((3L, 2L), (stats.Produced, stats.Depth));
        Assert.Empty(stats.Consumers);
        Assert.Equal([Queue], await Backend.Streams.ListStreamsAsync("queue", Ct));
    }

    [Fact]
    public async Task RemoveConsumerAsync_ChangesNothing_WhenTheConsumerIsUnknown()
    {
        var unknownStream = new StreamId("queue", "never-used");
        await Backend.Streams.RegisterConsumerAsync(Queue, "loop", Ct);
        await Backend.Streams.AppendAsync(Queue, "a", 10, T0, Ct);
        await Backend.Streams.AppendAsync(Queue, "b", 10, T0, Ct);
        await Backend.Streams.AcknowledgeAsync(Queue, "loop", 1, Ct);

        await Backend.Streams.RemoveConsumerAsync(Queue, "nobody", Ct);
        await Backend.Streams.RemoveConsumerAsync(unknownStream, "nobody", Ct);

        Assert.Equal(["b"], (await Backend.Streams.ReadAsync(Queue, 0, 10, Ct)).Select(item => item.Payload));
        Assert.Equal(new StreamConsumerState(Queue, "loop", 1, 0, null), Assert.Single(await Backend.Streams.ListConsumersAsync("queue", Ct)));
        Assert.Equal([Queue], await Backend.Streams.ListStreamsAsync("queue", Ct));
    }
}
