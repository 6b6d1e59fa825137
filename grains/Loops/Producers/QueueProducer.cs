using Orchestrator.Queues;
using Orchestrator.Providers.Concurrency;
using Orchestrator.Providers.Storage;
using Orchestrator.Providers.Streams;

namespace Orchestrator.Loops.Producers;

/// <summary><c>queue {queue}</c>: one iteration per message, in order, as the durable consumer <c>loop:{loopId}</c>
/// (its offset survives restarts). Messages are acknowledged, a batch at a time, only after their iterations' blocking
/// parts are done and the loop recorded them (a checkpoint), so a crash before that delivers them again; a message the
/// loop recorded already, by sequence or by id, is dropped. While the loop is paused the message waits; a message whose iteration failed and
/// paused the loop runs again when the loop resumes.</summary>
internal sealed class QueueProducer(
    ITopic<QueueMessage> stream,
    string queue,
    string consumer,
    QueueWindow window,
    LoopCounters counters,
    Func<CancellationToken, Task> checkpoint,
    TimeProvider clock) : LoopProducer
{
    private const string ConsumerPrefix = "loop:";

    private readonly QueueWindow _window = window;

    /// <summary>The queue's name.</summary>
    public string Queue { get; } = queue;
    private readonly LoopCounters _counters = counters;
    private readonly Func<CancellationToken, Task> _checkpoint = checkpoint;

    /// <summary>The consumer name of a loop.</summary>
    public static string ConsumerOf(string loopId) => $"{ConsumerPrefix}{loopId}";

    /// <summary>The loop a consumer name belongs to; false for a consumer that is not a loop's.</summary>
    public static bool TryLoopOf(string consumer, out string loopId)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        var isLoop = consumer.StartsWith(ConsumerPrefix, StringComparison.Ordinal) && consumer.Length > ConsumerPrefix.Length;
        loopId = isLoop ? consumer[ConsumerPrefix.Length..] : "";
        return isLoop;
    }

    public override async Task RunAsync(IterateAsync iterate, PauseGate gate, CancellationToken cancellationToken)
    {
        var observer = new Observer(this, iterate, gate, cancellationToken);
        var handle = await SubscribeAsync(observer, cancellationToken);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        finally
        {
            await handle.UnsubscribeAsync();
        }
    }

    /// <summary>Subscribes; a subscription of this loop's earlier runner may still be winding down, so a clash is retried,
    /// and storage that does not answer is waited for (the loop consumes once it answers again, rather than ending).</summary>
    private async Task<TopicSubscription> SubscribeAsync(Observer observer, CancellationToken cancellationToken)
    {
        for (var unavailable = 0; ; )
        {
            try
            {
                return await stream.SubscribeAsync(observer, new TopicSubscriptionOptions { Consumer = consumer });
            }
            catch (InvalidOperationException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), clock, cancellationToken);
            }
            catch (Exception e) when (StorageFailures.IsUnavailable(e))
            {
                await Task.Delay(Backoff.Doubling(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), ++unavailable), clock, cancellationToken);
            }
        }
    }

    private sealed class Observer(QueueProducer producer, IterateAsync iterate, PauseGate gate, CancellationToken stopping)
        : ITopicObserver<QueueMessage>, ITopicAcknowledgementObserver
    {
        /// <summary>The messages handled are recorded (a checkpoint) before they are acknowledged.</summary>
        public Task OnAcknowledgingAsync(long lastSequence) => producer._checkpoint(stopping);

        public async Task OnNextAsync(QueueMessage item, TopicPosition token)
        {
            if (producer._window.IsHandled(token.Sequence, item.Id))
            {
                producer._counters.DuplicateDropped();
                return;
            }

            var trigger = new LoopTrigger(item.Value, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"q{token.Sequence}"), producer.Queue, item.TraceParent);
            while (true)
            {
                await gate.WaitAsync(stopping);
                if (await iterate(trigger, stopping).WaitAsync(stopping) || !gate.IsClosed)
                {
                    break;
                }

                // The failure paused the loop: the message runs again once it resumes.
            }

            producer._window.Handled(token.Sequence, item.Id);
        }
    }
}
