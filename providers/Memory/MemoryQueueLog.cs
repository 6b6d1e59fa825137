using Orchestrator.Providers.Queues;

namespace Orchestrator.Providers.Memory;

/// <summary>One durable queue held in memory: its items (a contiguous run of sequence numbers, trimmed from the
/// front once every consumer has acknowledged them), consumer positions and dead letters. Not thread-safe: the
/// owning <see cref="MemoryQueueStore"/> locks around it.</summary>
internal sealed class MemoryQueueLog(StreamId stream)
{
    private readonly List<QueueItem> _items = [];
    private readonly SortedDictionary<string, QueueConsumer> _consumers = new(StringComparer.Ordinal);
    private readonly List<QueueDeadLetter> _deadLetters = [];

    public StreamId Stream => stream;

    public long LastSequence { get; private set; }

    public bool IsEmpty => _items.Count == 0 && _consumers.Count == 0;

    public IReadOnlyCollection<QueueConsumer> Consumers => _consumers.Values;

    public IReadOnlyList<QueueDeadLetter> DeadLetters => _deadLetters;

    /// <summary>Items stored that some consumer has not acknowledged (all stored items without consumers).</summary>
    public long Depth
    {
        get
        {
            if (_items.Count == 0)
            {
                return 0;
            }

            var minOffset = _consumers.Count == 0 ? 0 : _consumers.Values.Min(consumer => consumer.Offset);
            return LastSequence - Math.Max(minOffset, _items[0].Sequence - 1);
        }
    }

    public QueueItem Append(string payload, DateTimeOffset enqueuedAt)
    {
        var item = new QueueItem(stream, ++LastSequence, payload, UnixMilliseconds.Truncate(enqueuedAt));
        _items.Add(item);
        return item;
    }

    public IEnumerable<QueueItem> ItemsAfter(long sequence) => _items.Where(item => item.Sequence > sequence);

    public QueueConsumer Register(string consumer)
    {
        if (!_consumers.TryGetValue(consumer, out var state))
        {
            state = new QueueConsumer(stream, consumer, 0, 0, null);
            _consumers[consumer] = state;
        }

        return state;
    }

    public void Acknowledge(string consumer, long sequence)
    {
        var state = Register(consumer);
        if (sequence > state.Offset)
        {
            _consumers[consumer] = state with { Offset = sequence, Failures = 0, LastError = null };
        }

        TrimAcknowledged();
    }

    /// <summary>Forgets the consumer and deletes what the remaining consumers acknowledged; without consumers left the
    /// items stay.</summary>
    public void Remove(string consumer)
    {
        if (_consumers.Remove(consumer))
        {
            TrimAcknowledged();
        }
    }

    public int RecordFailure(string consumer, string error)
    {
        var state = Register(consumer);
        var failures = state.Failures + 1;
        _consumers[consumer] = state with { Failures = failures, LastError = error };
        return failures;
    }

    public void DeadLetter(string consumer, QueueItem item, string error, int attempts, DateTimeOffset deadLetteredAt)
    {
        _deadLetters.Add(new QueueDeadLetter(
            stream, consumer, item.Sequence, item.Payload, UnixMilliseconds.Truncate(item.EnqueuedAt), error, attempts,
            UnixMilliseconds.Truncate(deadLetteredAt)));
        Acknowledge(consumer, item.Sequence);
    }

    private void TrimAcknowledged()
    {
        if (_consumers.Count == 0)
        {
            return;
        }

        var minOffset = _consumers.Values.Min(position => position.Offset);
        _items.RemoveAll(item => item.Sequence <= minOffset);
    }
}
