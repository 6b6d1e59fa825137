using System.Threading.Channels;
using Orchestrator.Providers.Faults;
using Orchestrator.Providers.Hosting;
using Orchestrator.Providers.Memory;
using Orchestrator.Providers.Queues;
using Orchestrator.Providers.Storage;
using Orchestrator.Providers.Streams;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Orchestrator.Providers.Tests.Faults;

/// <summary>A durable subscription whose consumer registration met storage that did not answer: it is registered again
/// (registering is idempotent) instead of failing the subscriber for good, as a loop's queue producer did.</summary>
public sealed class ConsumerRegistrationTests : IAsyncLifetime
{
    private readonly FlakyRegistrations _backend = new(new MemoryStorageBackend());
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _backend.InitializeAsync(CancellationToken.None);
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddOrchestratorStorage(_backend);
            silo.AddOrchestratorStreams(_ => { });
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task ASubscription_WhoseRegistrationsAnswerWasLostTwice_IsRegisteredAgain_AndDelivers()
    {
        var durable = TopicProviders.Get(_cluster.Silos[0].ServiceProvider, TopicProviderNames.Durable);
        var id = StreamId.Create("flaky-registration", Guid.NewGuid().ToString("N"));
        var received = Channel.CreateUnbounded<string>();
        _backend.FailNextRegistrations(2);

        await using var subscription = await durable.GetTopic<string>(id).SubscribeAsync(new Collector(received.Writer), new TopicSubscriptionOptions { Consumer = "reader" });
        await durable.GetTopic<string>(id).OnNextAsync("after the blips");

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.Equal("after the blips", await received.Reader.ReadAsync(patience.Token));
        Assert.True(_backend.Registrations >= 3, $"registered {_backend.Registrations} times");
        Assert.Single(await _backend.Queues.ListConsumersAsync(id.GetNamespace(), CancellationToken.None), c => c.Consumer == "reader");
    }

    private sealed class Collector(ChannelWriter<string> writer) : ITopicObserver<string>
    {
        public async Task OnNextAsync(string item, TopicPosition token) => await writer.WriteAsync(item);
    }

    /// <summary>A backend whose next few consumer registrations land, then fail as if their answer was lost.</summary>
    private sealed class FlakyRegistrations(IStorageBackend inner) : IStorageBackend
    {
        private int _toFail;
        private int _registrations;

        public int Registrations => Volatile.Read(ref _registrations);

        public string Name => inner.Name;

        public IGrainStorage Grains => inner.Grains;

        public IGrainStateQueries Queries => inner.Queries;

        public IReminderTable Reminders => inner.Reminders;

        public IQueueStore Queues => field ??= new Store(inner.Queues, this);

        public IAuditStore Audit => inner.Audit;

        public void FailNextRegistrations(int count) => Volatile.Write(ref _toFail, count);

        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

        public Task PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);

        public Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        private sealed class Store(IQueueStore store, FlakyRegistrations owner) : IQueueStore
        {
            public async Task<QueueConsumer> RegisterConsumerAsync(StreamId queue, string consumer, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref owner._registrations);
                var registered = await store.RegisterConsumerAsync(queue, consumer, cancellationToken);
                return Interlocked.Decrement(ref owner._toFail) >= 0
                    ? throw new InjectedStorageFaultException($"registering consumer {consumer}", committed: true)
                    : registered;
            }

            public Task<long?> AppendAsync(StreamId queue, string payload, int capacity, DateTimeOffset enqueuedAt, CancellationToken cancellationToken) =>
                store.AppendAsync(queue, payload, capacity, enqueuedAt, cancellationToken);

            public Task<IReadOnlyList<QueueItem>> ReadAsync(StreamId queue, long afterSequence, int maxCount, CancellationToken cancellationToken) =>
                store.ReadAsync(queue, afterSequence, maxCount, cancellationToken);

            public Task AcknowledgeAsync(StreamId queue, string consumer, long sequence, CancellationToken cancellationToken) =>
                store.AcknowledgeAsync(queue, consumer, sequence, cancellationToken);

            public Task<int> RecordFailureAsync(StreamId queue, string consumer, string error, CancellationToken cancellationToken) =>
                store.RecordFailureAsync(queue, consumer, error, cancellationToken);

            public Task DeadLetterAsync(StreamId queue, string consumer, QueueItem item, string error, int attempts, DateTimeOffset deadLetteredAt, CancellationToken cancellationToken) =>
                store.DeadLetterAsync(queue, consumer, item, error, attempts, deadLetteredAt, cancellationToken);

            public Task RemoveConsumerAsync(StreamId queue, string consumer, CancellationToken cancellationToken) =>
                store.RemoveConsumerAsync(queue, consumer, cancellationToken);

            public Task<IReadOnlyList<QueueConsumer>> ListConsumersAsync(string? streamNamespace, CancellationToken cancellationToken) =>
                store.ListConsumersAsync(streamNamespace, cancellationToken);

            public Task<IReadOnlyList<StreamId>> ListQueuesAsync(string? streamNamespace, CancellationToken cancellationToken) =>
                store.ListQueuesAsync(streamNamespace, cancellationToken);

            public Task<QueueStats> GetStatsAsync(StreamId queue, CancellationToken cancellationToken) => store.GetStatsAsync(queue, cancellationToken);

            public Task<IReadOnlyList<QueueDeadLetter>> ReadDeadLettersAsync(StreamId queue, int maxCount, CancellationToken cancellationToken) =>
                store.ReadDeadLettersAsync(queue, maxCount, cancellationToken);
        }
    }
}
