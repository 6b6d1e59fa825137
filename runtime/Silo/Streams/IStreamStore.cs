namespace Orchestrator.Runtime.Streams;

/// <summary>Stores durable stream items, consumer offsets and dead letters. Every change completes once durable.</summary>
public interface IStreamStore
{
    /// <summary>Appends an item unless the stream holds <paramref name="capacity"/> or more unacknowledged items.
    /// Returns the item's sequence number (1, 2, … per stream), or null when the stream is full.</summary>
    Task<long?> AppendAsync(StreamId stream, string payload, int capacity, DateTimeOffset enqueuedAt, CancellationToken cancellationToken);

    /// <summary>Reads up to <paramref name="maxCount"/> stored items with sequence greater than <paramref name="afterSequence"/>, in order.</summary>
    Task<IReadOnlyList<StoredStreamItem>> ReadAsync(StreamId stream, long afterSequence, int maxCount, CancellationToken cancellationToken);

    /// <summary>Registers a consumer if it is new (offset 0: it receives every item still stored) and returns its state.</summary>
    Task<StreamConsumerState> RegisterConsumerAsync(StreamId stream, string consumer, CancellationToken cancellationToken);

    /// <summary>Records that the consumer handled every item up to <paramref name="sequence"/>; resets its failure count and
    /// deletes items every consumer has acknowledged.</summary>
    Task AcknowledgeAsync(StreamId stream, string consumer, long sequence, CancellationToken cancellationToken);

    /// <summary>Counts a failed delivery of the item after the consumer's offset; returns the failure count.</summary>
    Task<int> RecordFailureAsync(StreamId stream, string consumer, string error, CancellationToken cancellationToken);

    /// <summary>Moves an item to the dead-letter list for this consumer and acknowledges it, in one transaction.</summary>
    Task DeadLetterAsync(StreamId stream, string consumer, StoredStreamItem item, string error, int attempts, DateTimeOffset deadLetteredAt, CancellationToken cancellationToken);

    /// <summary>Deletes the consumer's offset, then every stored item all remaining consumers have acknowledged. With no
    /// consumer left the items stay stored (as for a stream that never had consumers). Removing a consumer that is not
    /// registered does nothing.</summary>
    Task RemoveConsumerAsync(StreamId stream, string consumer, CancellationToken cancellationToken);

    /// <summary>Every registered consumer, optionally of one stream namespace.</summary>
    Task<IReadOnlyList<StreamConsumerState>> ListConsumersAsync(string? streamNamespace, CancellationToken cancellationToken);

    /// <summary>Every stream that has stored items or consumers, optionally of one namespace.</summary>
    Task<IReadOnlyList<StreamId>> ListStreamsAsync(string? streamNamespace, CancellationToken cancellationToken);

    /// <summary>Counters of one stream.</summary>
    Task<StreamStats> GetStatsAsync(StreamId stream, CancellationToken cancellationToken);

    /// <summary>Dead letters of one stream, oldest first.</summary>
    Task<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(StreamId stream, int maxCount, CancellationToken cancellationToken);
}
