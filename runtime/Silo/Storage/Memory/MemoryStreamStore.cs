using Orchestrator.Runtime.Streams;

namespace Orchestrator.Runtime.Storage.Memory;

/// <summary>Durable-stream bookkeeping in memory, behind one lock.</summary>
internal sealed class MemoryStreamStore : IStreamStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<StreamId, MemoryStreamLog> _streams = [];

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
    public Task<IReadOnlyList<StoredStreamItem>> ReadAsync(StreamId stream, long afterSequence, int maxCount, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<StoredStreamItem> items = _streams.TryGetValue(stream, out var log)
                ? log.ItemsAfter(afterSequence).Take(maxCount).ToList()
                : [];
            return Task.FromResult(items);
        }
    }

    /// <inheritdoc/>
    public Task<StreamConsumerState> RegisterConsumerAsync(StreamId stream, string consumer, CancellationToken cancellationToken)
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
    public Task DeadLetterAsync(StreamId stream, string consumer, StoredStreamItem item, string error, int attempts, DateTimeOffset deadLetteredAt, CancellationToken cancellationToken)
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
    public Task<IReadOnlyList<StreamConsumerState>> ListConsumersAsync(string? streamNamespace, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<StreamConsumerState> consumers = Streams(streamNamespace)
                .SelectMany(log => log.Consumers)
                .ToList();
            return Task.FromResult(consumers);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StreamId>> ListStreamsAsync(string? streamNamespace, CancellationToken cancellationToken)
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
    public Task<StreamStats> GetStatsAsync(StreamId stream, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var stats = _streams.TryGetValue(stream, out var log)
                ? new StreamStats(stream, log.LastSequence, log.Depth, log.DeadLetters.Count, log.Consumers.ToList())
                : new StreamStats(stream, 0, 0, 0, []);
            return Task.FromResult(stats);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(StreamId stream, int maxCount, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<DeadLetter> deadLetters = _streams.TryGetValue(stream, out var log)
                ? log.DeadLetters.Take(maxCount).ToList()
                : [];
            return Task.FromResult(deadLetters);
        }
    }

    private MemoryStreamLog GetOrAdd(StreamId stream)
    {
        if (!_streams.TryGetValue(stream, out var log))
        {
            log = new MemoryStreamLog(stream);
            _streams[stream] = log;
        }

        return log;
    }

    private IEnumerable<MemoryStreamLog> Streams(string? streamNamespace) =>
        _streams
            .Where(pair => streamNamespace is null || pair.Key.Namespace == streamNamespace)
            .OrderBy(pair => pair.Key.Namespace, StringComparer.Ordinal)
            .ThenBy(pair => pair.Key.Key, StringComparer.Ordinal)
            .Select(pair => pair.Value);
}
