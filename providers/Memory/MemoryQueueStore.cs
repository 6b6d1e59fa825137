using Orchestrator.Providers.Queues;

namespace Orchestrator.Providers.Memory;

/// <summary>Durable-queue bookkeeping in memory, behind one lock.</summary>
internal sealed class MemoryQueueStore : IQueueStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<StreamId, MemoryQueueLog> _streams = [];

    /// <inheritdoc/>
    public Task<long?> AppendAsync(StreamId stream, string payload, int capacity, DateTimeOffset enqueuedAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var log = GetOrAdd(stream);
            return Task.FromResult(log.Depth >= capacity ? null : (long?)log.Append(payload, enqueuedAt).Sequence);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<QueueItem>> ReadAsync(StreamId stream, long afterSequence, int maxCount, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<QueueItem> items = _streams.TryGetValue(stream, out var log)
                ? log.ItemsAfter(afterSequence).Take(maxCount).ToList()
                : [];
            return Task.FromResult(items);
        }
    }

    /// <inheritdoc/>
    public Task<QueueConsumer> RegisterConsumerAsync(StreamId stream, string consumer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return Task.FromResult(GetOrAdd(stream).Register(consumer));
        }
    }

    /// <inheritdoc/>
    public Task AcknowledgeAsync(StreamId stream, string consumer, long sequence, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            GetOrAdd(stream).Acknowledge(consumer, sequence);
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public Task<int> RecordFailureAsync(StreamId stream, string consumer, string error, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return Task.FromResult(GetOrAdd(stream).RecordFailure(consumer, error));
        }
    }

    /// <inheritdoc/>
    public Task DeadLetterAsync(StreamId stream, string consumer, QueueItem item, string error, int attempts, DateTimeOffset deadLetteredAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            GetOrAdd(stream).DeadLetter(consumer, item, error, attempts, deadLetteredAt);
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public Task RemoveConsumerAsync(StreamId stream, string consumer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_streams.TryGetValue(stream, out var log))
            {
                log.Remove(consumer);
            }

            return Task.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<QueueConsumer>> ListConsumersAsync(string? streamNamespace, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<QueueConsumer> consumers = Streams(streamNamespace)
                .SelectMany(log => log.Consumers)
                .ToList();
            return Task.FromResult(consumers);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StreamId>> ListQueuesAsync(string? streamNamespace, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<StreamId> streams = Streams(streamNamespace)
                .Where(log => !log.IsEmpty)
                .Select(log => log.Stream)
                .ToList();
            return Task.FromResult(streams);
        }
    }

    /// <inheritdoc/>
    public Task<QueueStats> GetStatsAsync(StreamId stream, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var stats = _streams.TryGetValue(stream, out var log)
                ? new QueueStats(stream, log.LastSequence, log.Depth, log.DeadLetters.Count, log.Consumers.ToList())
                : new QueueStats(stream, 0, 0, 0, []);
            return Task.FromResult(stats);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<QueueDeadLetter>> ReadDeadLettersAsync(StreamId stream, int maxCount, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<QueueDeadLetter> deadLetters = _streams.TryGetValue(stream, out var log)
                ? log.DeadLetters.Take(maxCount).ToList()
                : [];
            return Task.FromResult(deadLetters);
        }
    }

    private MemoryQueueLog GetOrAdd(StreamId stream)
    {
        if (!_streams.TryGetValue(stream, out var log))
        {
            log = new MemoryQueueLog(stream);
            _streams[stream] = log;
        }

        return log;
    }

    private IEnumerable<MemoryQueueLog> Streams(string? streamNamespace) =>
        _streams
            .Where(pair => streamNamespace is null || QueueIds.Namespace(pair.Key) == streamNamespace)
            .OrderBy(pair => QueueIds.Namespace(pair.Key), StringComparer.Ordinal)
            .ThenBy(pair => QueueIds.Key(pair.Key), StringComparer.Ordinal)
            .Select(pair => pair.Value);
}
