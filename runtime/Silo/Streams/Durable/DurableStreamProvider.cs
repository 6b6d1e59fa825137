using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orchestrator.Runtime.Activation;
using Orchestrator.Runtime.Diagnostics;
using Orchestrator.Runtime.Hosting;
using Orchestrator.Runtime.Invocation;

namespace Orchestrator.Runtime.Streams.Durable;

/// <summary>Streams stored in the silo's storage. Each (stream, consumer) pair has one agent that delivers items in
/// order and acknowledges each after its consumer handled it; a publisher waits while the stream is at capacity.
/// Implicit consumers (grain classes with <see cref="ImplicitStreamSubscriptionAttribute"/>) get an agent per stream
/// of their namespace, created on first publish and resumed on start.</summary>
internal sealed partial class DurableStreamProvider : IStreamProvider, IAsyncDisposable
{
    private const string ImplicitConsumerPrefix = "grain:";

    private readonly IStreamStore _store;
    private readonly SiloOptions _options;
    private readonly TimeProvider _clock;
    private readonly GrainTypeRegistry _registry;
    private readonly GrainFactory _grainFactory;
    private readonly RuntimeMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(StreamId Stream, string Consumer), StreamConsumerAgent> _agents = new();
    private readonly ConcurrentDictionary<StreamId, StreamTracker> _trackers = new();
    private readonly CancellationTokenSource _stopping = new();

    public DurableStreamProvider(
        IStreamStore store,
        SiloOptions options,
        TimeProvider clock,
        GrainTypeRegistry registry,
        GrainFactory grainFactory,
        RuntimeMetrics metrics,
        ILogger<DurableStreamProvider> logger)
    {
        _store = store;
        _options = options;
        _clock = clock;
        _registry = registry;
        _grainFactory = grainFactory;
        _metrics = metrics;
        _logger = logger;
        metrics.ObserveStreamDepth(ObserveDepth);
    }

    public string Name => StreamProviderNames.Durable;

    public bool IsDurable => true;

    public IStreamStore Store => _store;

    public IAsyncStream<T> GetStream<T>(StreamId id) => new DurableStream<T>(this, id);

    /// <summary>Resumes the agents of implicit consumers for every stored stream of their namespaces.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var streamNamespace in _registry.ImplicitNamespaces)
        {
            foreach (var stream in await _store.ListStreamsAsync(streamNamespace, cancellationToken))
            {
                await EnsureImplicitAgentsAsync(stream, cancellationToken);
            }
        }
    }

    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_agents.Values.Select(a => a.StopAsync()));
        _agents.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }

    internal async Task<long> PublishAsync<T>(StreamId id, T item, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Serialize(item, _options.JsonOptions);
        await EnsureImplicitAgentsAsync(id, cancellationToken);
        var tracker = Tracker(id);
        var deadline = _clock.GetUtcNow() + _options.StreamPublishTimeout;
        while (true)
        {
            var roomFreed = tracker.Acknowledged.WaitTask;
            var sequence = await _store.AppendAsync(id, payload, _options.StreamCapacity, _clock.GetUtcNow(), cancellationToken);
            if (sequence is { } stored)
            {
                tracker.Appended(stored);
                return stored;
            }

            var remaining = deadline - _clock.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                throw new StreamFullException(id, _options.StreamCapacity, _options.StreamPublishTimeout);
            }

            try
            {
                await roomFreed.WaitAsync(remaining, _clock, cancellationToken);
            }
            catch (TimeoutException)
            {
                throw new StreamFullException(id, _options.StreamCapacity, _options.StreamPublishTimeout);
            }
        }
    }

    internal async Task<StreamSubscriptionHandle> SubscribeAsync<T>(StreamId id, IAsyncObserver<T> observer, string? consumer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        if (string.IsNullOrWhiteSpace(consumer))
        {
            throw new ArgumentException($"A durable subscription to {id} needs a consumer name (StreamSubscriptionOptions.Consumer); its offset is kept under that name.", nameof(consumer));
        }

        if (consumer.StartsWith(ImplicitConsumerPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Consumer names starting with '{ImplicitConsumerPrefix}' are reserved for implicit subscriptions.", nameof(consumer));
        }

        var json = _options.JsonOptions;
        var agent = new StreamConsumerAgent(
            id,
            consumer,
            (item, attempt) => observer.OnNextAsync(JsonSerializer.Deserialize<T>(item.Payload, json)!, new StreamSequenceToken(item.Sequence, attempt)),
            observer is IStreamAcknowledgementObserver acknowledging ? acknowledging.OnAcknowledgingAsync : null,
            this);
        if (!_agents.TryAdd((id, consumer), agent))
        {
            throw new InvalidOperationException($"Consumer '{consumer}' is already subscribed to stream {id}.");
        }

        await _store.RegisterConsumerAsync(id, consumer, CancellationToken.None);
        agent.Start();
        return new DelegateSubscriptionHandle(id, async () =>
        {
            _agents.TryRemove(new KeyValuePair<(StreamId, string), StreamConsumerAgent>((id, consumer), agent));
            await agent.StopAsync();
        });
    }

    internal async Task RemoveConsumerAsync(StreamId id, string consumer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(consumer);
        if (consumer.StartsWith(ImplicitConsumerPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Consumer names starting with '{ImplicitConsumerPrefix}' are reserved for implicit subscriptions, which are not removed.", nameof(consumer));
        }

        // Stopped first, so that no acknowledgement of the agent lands after the row is gone and registers it again.
        if (_agents.TryRemove((id, consumer), out var agent))
        {
            await agent.StopAsync();
        }

        await _store.RemoveConsumerAsync(id, consumer, CancellationToken.None);
        Tracker(id).Acknowledged.Pulse();
    }

    private async Task EnsureImplicitAgentsAsync(StreamId id, CancellationToken cancellationToken)
    {
        foreach (var grainType in _registry.GetImplicitSubscribers(id.Namespace))
        {
            var consumer = ImplicitConsumerPrefix + grainType;
            if (_agents.ContainsKey((id, consumer)))
            {
                continue;
            }

            await _store.RegisterConsumerAsync(id, consumer, cancellationToken);
            var grainId = new GrainId(grainType, id.Key);
            var agent = new StreamConsumerAgent(id, consumer, (item, attempt) => DeliverToGrainAsync(grainId, item, attempt), null, this);
            if (_agents.TryAdd((id, consumer), agent))
            {
                agent.Start();
            }
        }
    }

    private Task<object> DeliverToGrainAsync(GrainId grainId, StoredStreamItem item, int attempt)
    {
        var request = (GrainRequest<object>)GrainMethodTable.OnStreamItem.CreateRequest(
            [new StreamItem(item.Stream, item.Sequence, item.Payload, item.EnqueuedAt, attempt)]);
        _grainFactory.Send(grainId, request);
        return request.Task;
    }

    internal StreamTracker Tracker(StreamId id) => _trackers.GetOrAdd(id, static _ => new StreamTracker());

    internal SiloOptions Options => _options;

    internal TimeProvider Clock => _clock;

    internal CancellationToken Stopping => _stopping.Token;

    internal void Delivered(StreamId id) => _metrics.StreamItemDelivered(id.Namespace);

    internal ILogger Logger => _logger;

    private IEnumerable<Measurement<long>> ObserveDepth()
    {
        foreach (var (stream, tracker) in _trackers)
        {
            yield return new Measurement<long>(
                tracker.Depth,
                new KeyValuePair<string, object?>("stream.namespace", stream.Namespace),
                new KeyValuePair<string, object?>("stream.key", stream.Key));
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
