namespace Orchestrator.Providers.Queues;

/// <summary>Stores the items of durable queues, each consumer's offset, failure counts and dead letters. Every change
/// completes once durable. A queue is addressed by the Orleans stream that carries its items to consumers.</summary>
public interface IQueueStore
{
    /// <summary>Appends an item unless the queue holds <paramref name="capacity"/> or more unacknowledged items.
    /// Returns the item's sequence number (1, 2, … per queue), or null when the queue is full.</summary>
    Task<long?> AppendAsync(StreamId queue, string payload, int capacity, DateTimeOffset enqueuedAt, CancellationToken cancellationToken);

    /// <summary>Reads up to <paramref name="maxCount"/> stored items with sequence greater than <paramref name="afterSequence"/>, in order.</summary>
    Task<IReadOnlyList<QueueItem>> ReadAsync(StreamId queue, long afterSequence, int maxCount, CancellationToken cancellationToken);

    /// <summary>Registers a consumer if it is new (offset 0: it receives every item still stored) and returns its state.</summary>
    Task<QueueConsumer> RegisterConsumerAsync(StreamId queue, string consumer, CancellationToken cancellationToken);

    /// <summary>Records that the consumer handled every item up to <paramref name="sequence"/>; resets its failure count and
    /// deletes items every consumer has acknowledged.</summary>
    Task AcknowledgeAsync(StreamId queue, string consumer, long sequence, CancellationToken cancellationToken);

    /// <summary>Counts a failed delivery of the item after the consumer's offset; returns the failure count.</summary>
    Task<int> RecordFailureAsync(StreamId queue, string consumer, string error, CancellationToken cancellationToken);

    /// <summary>Moves an item to the dead-letter list for this consumer and acknowledges it, in one transaction.</summary>
    Task DeadLetterAsync(StreamId queue, string consumer, QueueItem item, string error, int attempts, DateTimeOffset deadLetteredAt, CancellationToken cancellationToken);

    /// <summary>Deletes the consumer's offset, then every stored item all remaining consumers have acknowledged. With no
    /// consumer left the items stay stored (as for a queue that never had consumers). Removing a consumer that is not
    /// registered does nothing.</summary>
    Task RemoveConsumerAsync(StreamId queue, string consumer, CancellationToken cancellationToken);

    /// <summary>Every registered consumer, optionally of one stream namespace.</summary>
    Task<IReadOnlyList<QueueConsumer>> ListConsumersAsync(string? streamNamespace, CancellationToken cancellationToken);

    /// <summary>Every queue that has stored items or consumers, optionally of one stream namespace.</summary>
    Task<IReadOnlyList<StreamId>> ListQueuesAsync(string? streamNamespace, CancellationToken cancellationToken);

    /// <summary>Counters of one queue.</summary>
    Task<QueueStats> GetStatsAsync(StreamId queue, CancellationToken cancellationToken);

    /// <summary>Dead letters of one queue, oldest first.</summary>
    Task<IReadOnlyList<QueueDeadLetter>> ReadDeadLettersAsync(StreamId queue, int maxCount, CancellationToken cancellationToken);
}
