using Orchestrator.Runtime.Streams;

namespace Orchestrator.Runtime.Storage.Memory;

/// <summary>One durable stream held in memory: its items (a contiguous run of sequence numbers, trimmed from the
/// front once every consumer has acknowledged them), consumer positions and dead letters. Not thread-safe: the
/// owning <see cref="MemoryStreamStore"/> locks around it.</summary>
internal sealed class MemoryStreamLog(StreamId stream)
{
    private readonly List<StoredStreamItem> _items = [];
    private readonly SortedDictionary<string, StreamConsumerState> _consumers = new(StringComparer.Ordinal);
    private readonly List<DeadLetter> _deadLetters = [];

    public StreamId Stream => stream;

    public long LastSequence { get; private set; }

    public bool IsEmpty => _items.Count == 0 && _consumers.Count == 0;

    public IReadOnlyCollection<StreamConsumerState> Consumers => _consumers.Values;

    public IReadOnlyList<DeadLetter> DeadLetters => _deadLetters;

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

    public StoredStreamItem Append(string payload, DateTimeOffset enqueuedAt)
    {
        var item = new StoredStreamItem(stream, ++LastSequence, payload, UnixMilliseconds.Truncate(enqueuedAt));
        _items.Add(item);
        return item;
    }

    public IEnumerable<StoredStreamItem> ItemsAfter(long sequence) => _items.Where(item => item.Sequence > sequence);

    public StreamConsumerState Register(string consumer)
    {
        if (!_consumers.TryGetValue(consumer, out var state))
        {
            state = new StreamConsumerState(stream, consumer, 0, 0, null);
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

    public void DeadLetter(string consumer, StoredStreamItem item, string error, int attempts, DateTimeOffset deadLetteredAt)
    {
        _deadLetters.Add(new DeadLetter(
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
