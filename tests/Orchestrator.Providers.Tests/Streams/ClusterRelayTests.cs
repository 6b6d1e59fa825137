using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Providers.Hosting;
using Orchestrator.Providers.Memory;
using Orchestrator.Providers.Streams;
using Orleans.TestingHost;

namespace Orchestrator.Providers.Tests.Streams;

/// <summary>Two silos whose streams look at the store only once an hour without a wake-up, so that what reaches the
/// other silo can only have come through the relay.</summary>
public sealed class RelayClusterFixture : IAsyncLifetime
{
    public const int Capacity = 3;

    public MemoryStorageBackend Backend { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IServiceProvider First => Cluster.Silos[0].ServiceProvider;

    public IServiceProvider Second => Cluster.Silos[1].ServiceProvider;

    public async Task InitializeAsync()
    {
        await Backend.InitializeAsync(CancellationToken.None);
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddOrchestratorStorage(Backend);
            silo.AddOrchestratorStreams(options =>
            {
                options.IdleReadInterval = TimeSpan.FromHours(1);
                options.Capacity = Capacity;
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>What one silo publishes reaches subscribers on the other through Orleans streams: live items, durable
/// queue items, and the acknowledgements that let a waiting publisher go on.</summary>
public sealed class ClusterRelayTests(RelayClusterFixture fixture) : IClassFixture<RelayClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task LiveItem_PublishedOnOneSilo_ReachesTheSubscribersOfBothSilos_Once()
    {
        var id = StreamId.Create("relay-live", Guid.NewGuid().ToString("N"));
        var here = new Collector<string>();
        var there = new Collector<string>();
        await using var local = await Live(fixture.First).GetTopic<string>(id).SubscribeAsync(here);
        await using var remote = await Live(fixture.Second).GetTopic<string>(id).SubscribeAsync(there);

        for (var i = 1; i <= 5; i++)
        {
            await Live(fixture.First).GetTopic<string>(id).OnNextAsync($"item {i}");
        }

        var expected = Enumerable.Range(1, 5).Select(i => $"item {i}").ToArray();
        Assert.Equal(expected, await there.TakeAsync(5));
        Assert.Equal(expected, await here.TakeAsync(5));

        // A marker published after them arrives next: nothing was delivered twice.
        await Live(fixture.First).GetTopic<string>(id).OnNextAsync("marker");
        Assert.Equal(["marker"], await there.TakeAsync(1));
        Assert.Equal(["marker"], await here.TakeAsync(1));
    }

    [Fact]
    public async Task QueueItem_PublishedOnOneSilo_WakesAnIdleConsumerOnTheOther()
    {
        var id = StreamId.Create("relay-queue", Guid.NewGuid().ToString("N"));
        var consumer = new Collector<string>();
        await using var subscription = await Durable(fixture.Second).GetTopic<string>(id)
            .SubscribeAsync(consumer, new TopicSubscriptionOptions { Consumer = "reader" });

        // The consumer has read the (empty) store and waits for a wake-up; only the relay can give it one in time.
        await Durable(fixture.First).GetTopic<string>(id).OnNextAsync("first");
        Assert.Equal(["first"], await consumer.TakeAsync(1));
        await Durable(fixture.First).GetTopic<string>(id).OnNextAsync("second");
        await Durable(fixture.First).GetTopic<string>(id).OnNextAsync("third");

        Assert.Equal(["second", "third"], await consumer.TakeAsync(2));
    }

    [Fact]
    public async Task FullQueue_PublisherOnOneSilo_GoesOnWhenAConsumerOnTheOtherAcknowledges()
    {
        var id = StreamId.Create("relay-full", Guid.NewGuid().ToString("N"));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new Collector<string>(gate.Task);
        await using var subscription = await Durable(fixture.Second).GetTopic<string>(id)
            .SubscribeAsync(consumer, new TopicSubscriptionOptions { Consumer = "slow" });
        var stream = Durable(fixture.First).GetTopic<string>(id);
        for (var i = 1; i <= RelayClusterFixture.Capacity; i++)
        {
            await stream.OnNextAsync($"item {i}");
        }

        var waiting = stream.OnNextAsync("one too many");
        Assert.False(waiting.IsCompleted, "the publish must wait while the queue is full");

        gate.SetResult();
        Assert.Equal(RelayClusterFixture.Capacity + 1L, await waiting.WaitAsync(Patience));
        var expected = Enumerable.Range(1, RelayClusterFixture.Capacity).Select(i => $"item {i}").Append("one too many");
        Assert.Equal(expected, await consumer.TakeAsync(RelayClusterFixture.Capacity + 1));
    }

    private static ITopicProvider Live(IServiceProvider silo) => TopicProviders.Get(silo, TopicProviderNames.Memory);

    private static ITopicProvider Durable(IServiceProvider silo) => TopicProviders.Get(silo, TopicProviderNames.Durable);

    private sealed class Collector<T>(Task? gate = null) : ITopicObserver<T>
    {
        private readonly Channel<T> _items = Channel.CreateUnbounded<T>();

        public async Task OnNextAsync(T item, TopicPosition token)
        {
            if (gate is not null)
            {
                await gate;
            }

            await _items.Writer.WriteAsync(item);
        }

        public async Task<T[]> TakeAsync(int count)
        {
            var items = new T[count];
            using var timeout = new CancellationTokenSource(Patience);
            for (var i = 0; i < count; i++)
            {
                items[i] = await _items.Reader.ReadAsync(timeout.Token);
            }

            return items;
        }
    }
}
