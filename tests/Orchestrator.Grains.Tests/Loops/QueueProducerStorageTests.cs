using Orchestrator.Loops;
using Orchestrator.Loops.Producers;
using Orchestrator.Providers.Storage;
using Orchestrator.Providers.Streams;
using Orchestrator.Queues;
using Orchestrator.Testing;

namespace Orchestrator.Grains.Tests.Loops;

/// <summary>A queue loop whose subscription meets storage that does not answer waits for it (1 s, doubling) and then
/// consumes, instead of ending in error.</summary>
public sealed class QueueProducerStorageTests
{
    [Fact]
    public async Task ASubscriptionThatMeetsUnavailableStorage_IsTriedAgainAfterABackOff_AndTheProducerRunsOn()
    {
        var clock = new FakeClock();
        var topic = new FailingTopic(failures: 2);
        // The counters are used only for items delivered; this test delivers none.
        var producer = new QueueProducer(topic, "readings", QueueProducer.ConsumerOf("run:loop"), new QueueWindow(0, []), null!, _ => Task.CompletedTask, clock);
        using var stop = new CancellationTokenSource();

        var running = producer.RunAsync((_, _) => Task.FromResult(true), new PauseGate(false), stop.Token);

        await clock.WaitForArmedTimersAsync(1, clock.GetUtcNow().AddSeconds(1));
        Assert.Equal(1, topic.Calls);
        clock.Advance(TimeSpan.FromSeconds(1));
        await clock.WaitForArmedTimersAsync(1, clock.GetUtcNow().AddSeconds(2));
        Assert.Equal(2, topic.Calls);
        clock.Advance(TimeSpan.FromSeconds(2));
        await topic.Subscribed.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(3, topic.Calls);
        Assert.False(running.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.True(topic.Unsubscribed);
    }

    private sealed class FailingTopic(int failures) : ITopic<QueueMessage>
    {
        private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task Subscribed => _subscribed.Task;

        public bool Unsubscribed { get; private set; }

        public StreamId Id { get; } = StreamId.Create("queue", "readings");

        public Task<long> OnNextAsync(QueueMessage item, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<TopicSubscription> SubscribeAsync(ITopicObserver<QueueMessage> observer, TopicSubscriptionOptions? options = null)
        {
            if (Interlocked.Increment(ref _calls) <= failures)
            {
                throw new StorageUnavailableException("The storage did not answer while registering a consumer", "the database server does not answer");
            }

            _subscribed.SetResult();
            return Task.FromResult<TopicSubscription>(new Subscription(this));
        }

        public Task RemoveConsumerAsync(string consumer) => Task.CompletedTask;

        private sealed class Subscription(FailingTopic topic) : TopicSubscription
        {
            public override StreamId StreamId => topic.Id;

            public override Task UnsubscribeAsync()
            {
                topic.Unsubscribed = true;
                return Task.CompletedTask;
            }
        }
    }
}
