using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orchestrator.Providers.Queues;
using Orchestrator.Providers.Storage;
using Orchestrator.Providers.Streams.Cluster;

namespace Orchestrator.Providers.Streams.Durable;

/// <summary>Streams stored in the queue store. Each (stream, consumer) pair has one agent on this silo that delivers
/// items in order and acknowledges them after its consumer handled them; a publisher waits while the stream is at
/// capacity.</summary>
internal sealed partial class DurableStreamProvider : ITopicProvider, IAsyncDisposable
{
    // A subscriber waits out about 13 s of storage that does not answer (0.1 s, doubling, 8 tries) before it fails.
    private const int RegisterTries = 8;
    private static readonly TimeSpan RegisterFirstDelay = TimeSpan.FromMilliseconds(100);

    private readonly IQueueStore _store;
    private readonly StreamOptions _options;
    private readonly TimeProvider _clock;
    private readonly StreamMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(StreamId Stream, string Consumer), StreamConsumerAgent> _agents = new();
    private readonly ConcurrentDictionary<StreamId, StreamTracker> _trackers = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _stopLock = new();
    private Task? _stopped;

    public DurableStreamProvider(IQueueStore store, StreamOptions options, TimeProvider clock, StreamMetrics metrics, ILogger<DurableStreamProvider> logger)
    {
        _store = store;
        _options = options;
        _clock = clock;
        _metrics = metrics;
        _logger = logger;
        metrics.ObserveDepth(ObserveDepth);
    }

    public string Name => TopicProviderNames.Durable;

    public bool IsDurable => true;

    public IQueueStore Store => _store;

    public ITopic<T> GetTopic<T>(StreamId id) => new DurableStream<T>(this, id);

    /// <summary>Stops every agent on this silo once the item each is delivering is handled.</summary>
    public Task StopAsync()
    {
        lock (_stopLock)
        {
            return _stopped ??= StopOnceAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }

    private async Task StopOnceAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_agents.Values.Select(a => a.StopAsync()));
        _agents.Clear();
    }

    internal async Task<long> PublishAsync<T>(StreamId id, T item, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Serialize(item, _options.JsonOptions);
        var tracker = Tracker(id);
        var deadline = _clock.GetUtcNow() + _options.PublishTimeout;
        while (true)
        {
            var roomFreed = tracker.Acknowledged.WaitTask;
            var now = _clock.GetUtcNow();
            var sequence = await _store.AppendAsync(id, payload, _options.Capacity, now, cancellationToken);
            if (sequence is { } stored)
            {
                tracker.Stored(new QueueItem(id, stored, payload, now));
                Relay?.Forward(id, new QueueItemStored(stored, payload, now));
                return stored;
            }

            var remaining = deadline - _clock.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                throw new StreamFullException(id, _options.Capacity, _options.PublishTimeout);
            }

            // Woken by an acknowledgement on any silo (relayed from the others); the periodic retry covers a lost one.
            var wait = remaining < _options.IdleReadInterval ? remaining : _options.IdleReadInterval;
            await Task.WhenAny(roomFreed, Task.Delay(wait, _clock, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    internal async Task<TopicSubscription> SubscribeAsync<T>(StreamId id, ITopicObserver<T> observer, string? consumer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        if (string.IsNullOrWhiteSpace(consumer))
        {
            throw new ArgumentException($"A durable subscription to {id} needs a consumer name (TopicSubscriptionOptions.Consumer); its offset is kept under that name.", nameof(consumer));
        }

        var json = _options.JsonOptions;
        var agent = new StreamConsumerAgent(
            id,
            consumer,
            (item, attempt) => observer.OnNextAsync(JsonSerializer.Deserialize<T>(item.Payload, json)!, new TopicPosition(item.Sequence, attempt)),
            observer is ITopicAcknowledgementObserver acknowledging ? acknowledging.OnAcknowledgingAsync : null,
            this);
        if (!_agents.TryAdd((id, consumer), agent))
        {
            throw new InvalidOperationException($"Consumer '{consumer}' is already subscribed to stream {id}.");
        }

        try
        {
            // Registering is idempotent (the same consumer keeps its offset), so a storage blip is waited out here
            // rather than failing the subscriber, a loop's producer say, for good.
            await StorageFailures.RetryWhileUnavailableAsync(
                () => _store.RegisterConsumerAsync(id, consumer, CancellationToken.None), RegisterTries, RegisterFirstDelay);
        }
        catch
        {
            _agents.TryRemove(new KeyValuePair<(StreamId, string), StreamConsumerAgent>((id, consumer), agent));
            throw;
        }

        agent.Start();
        return new DelegateTopicSubscription(id, async () =>
        {
            _agents.TryRemove(new KeyValuePair<(StreamId, string), StreamConsumerAgent>((id, consumer), agent));
            await agent.StopAsync();
        });
    }

    internal async Task RemoveConsumerAsync(StreamId id, string consumer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(consumer);
        // Stopped first, so that no acknowledgement of the agent lands after the row is gone and registers it again.
        if (_agents.TryRemove((id, consumer), out var agent))
        {
            await agent.StopAsync();
        }

        await _store.RemoveConsumerAsync(id, consumer, CancellationToken.None);
        Tracker(id).Acknowledged.Pulse();
        Relay?.Forward(id, new QueueItemsAcknowledged(0));
    }

    /// <summary>Carries stored items and acknowledgements to the other silos; set when the silo has a relay.</summary>
    internal ClusterRelay? Relay { get; set; }

    /// <summary>A consumer on this silo acknowledged items up to <paramref name="sequence"/>: publishers here and on the
    /// other silos waiting for room retry.</summary>
    internal void AcknowledgedUpTo(StreamId id, long sequence)
    {
        Tracker(id).AcknowledgedUpTo(sequence);
        Relay?.Forward(id, new QueueItemsAcknowledged(sequence));
    }

    /// <summary>Another silo stored an item: consumers here take it from memory.</summary>
    internal void Stored(StreamId id, QueueItemStored item) =>
        Tracker(id).Stored(new QueueItem(id, item.Sequence, item.Payload, item.EnqueuedAt));

    /// <summary>A consumer on another silo acknowledged items: publishers here waiting for room retry.</summary>
    internal void AcknowledgedElsewhere(StreamId id) => Tracker(id).Acknowledged.Pulse();

    internal StreamTracker Tracker(StreamId id) => _trackers.GetOrAdd(id, static _ => new StreamTracker());

    internal StreamOptions Options => _options;

    internal TimeProvider Clock => _clock;

    internal CancellationToken Stopping => _stopping.Token;

    internal void Delivered(StreamId id) => _metrics.Delivered(QueueIds.Namespace(id));

    internal ILogger Logger => _logger;

    private IEnumerable<Measurement<long>> ObserveDepth()
    {
        foreach (var (stream, tracker) in _trackers)
        {
            yield return new Measurement<long>(
                tracker.Depth,
                new KeyValuePair<string, object?>("stream.namespace", QueueIds.Namespace(stream)),
                new KeyValuePair<string, object?>("stream.key", QueueIds.Key(stream)));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery of item {Sequence} of {Stream} to {Consumer} failed (attempt {Attempt})")]
    internal static partial void LogDeliveryFailed(ILogger logger, Exception exception, StreamId stream, string consumer, long sequence, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Item {Sequence} of {Stream} dead-lettered for {Consumer} after {Attempts} attempts")]
    internal static partial void LogDeadLettered(ILogger logger, StreamId stream, string consumer, long sequence, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Consumer} of {Stream} refused to acknowledge items up to {Sequence}; they are delivered again")]
    internal static partial void LogAcknowledgementRefused(ILogger logger, Exception exception, StreamId stream, string consumer, long sequence);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stream agent of {Stream} for {Consumer} hit a storage error; it retries")]
    internal static partial void LogAgentError(ILogger logger, Exception exception, StreamId stream, string consumer);
}
