using Npgsql;
using NpgsqlTypes;
using Orchestrator.Providers.Queues;

namespace Orchestrator.Providers.Postgres;

/// <summary>Durable queue items, consumer offsets and dead letters in PostgreSQL. Every change is one batch of
/// statements in one transaction that first locks the queue's head row (creating it when missing), so changes to one
/// queue from any number of silos run one after another: sequence numbers are taken from the head row (1, 2, … with no
/// gap or repeat), the capacity check sees every committed item, and offsets, failure counts and dead letters change
/// together. Items are only ever deleted from the front of a queue (once every consumer acknowledged them), so the
/// stored items are always the run from the smallest stored sequence to the queue's last one.</summary>
internal sealed class PostgresQueueStore(PostgresDatabase database) : IQueueStore
{
    private const string StreamMatch = "stream_namespace = @ns AND stream_key = @key";
    private const string ConsumerMatch = StreamMatch + " AND consumer = @consumer";

    /// <summary>Creates the head row if needed and locks it until the transaction ends (returns no row).</summary>
    private const string LockHead = """
        INSERT INTO stream_heads (stream_namespace, stream_key, last_seq, dead_lettered) VALUES (@ns, @key, 0, 0)
        ON CONFLICT (stream_namespace, stream_key) DO UPDATE SET last_seq = stream_heads.last_seq
        """;
    private const string LockExistingHead = "UPDATE stream_heads SET last_seq = last_seq WHERE " + StreamMatch;

    /// <summary>Last sequence, dead letters and depth, as one row even for an unknown queue. Depth counts stored items
    /// some consumer has not acknowledged (every stored item without consumers); stored items are the run
    /// first..last, so this also holds for a consumer registered after earlier items were trimmed.</summary>
    private const string SelectPosition = """
        SELECT h.last_seq, h.dead_lettered,
            CASE WHEN s.first_seq IS NULL THEN 0 ELSE h.last_seq - GREATEST(c.min_offset, s.first_seq - 1) END AS depth
        FROM (SELECT COALESCE(MAX(last_seq), 0) AS last_seq, COALESCE(MAX(dead_lettered), 0) AS dead_lettered
                FROM stream_heads WHERE stream_namespace = @ns AND stream_key = @key) h,
            (SELECT MIN(seq) AS first_seq FROM stream_items WHERE stream_namespace = @ns AND stream_key = @key) s,
            (SELECT COALESCE(MIN(consumer_offset), 0) AS min_offset FROM stream_consumers WHERE stream_namespace = @ns AND stream_key = @key) c
        """;
    private const string Append = "WITH position AS (" + SelectPosition + """
        ),
        appended AS (
            UPDATE stream_heads h SET last_seq = h.last_seq + 1
            FROM position p
            WHERE h.stream_namespace = @ns AND h.stream_key = @key AND p.depth < @capacity
            RETURNING h.last_seq),
        item AS (
            INSERT INTO stream_items (stream_namespace, stream_key, seq, payload, enqueued_at)
            SELECT @ns, @key, last_seq, @payload, @enqueued_at FROM appended)
        SELECT last_seq FROM appended
        """;
    private const string SelectItems =
        "SELECT seq, payload, enqueued_at FROM stream_items WHERE " + StreamMatch + " AND seq > @after ORDER BY seq LIMIT @max";
    private const string EnsureConsumer = """
        INSERT INTO stream_consumers (stream_namespace, stream_key, consumer, consumer_offset, failures, last_error)
        VALUES (@ns, @key, @consumer, 0, 0, NULL) ON CONFLICT DO NOTHING
        """;
    private const string SelectConsumerColumns =
        "SELECT stream_namespace, stream_key, consumer, consumer_offset, failures, last_error FROM stream_consumers";
    private const string SelectConsumer = SelectConsumerColumns + " WHERE " + ConsumerMatch;
    private const string SelectStreamConsumers = SelectConsumerColumns + " WHERE " + StreamMatch + " ORDER BY consumer";
    private const string SelectAllConsumers =
        SelectConsumerColumns + " WHERE @ns::text IS NULL OR stream_namespace = @ns ORDER BY stream_namespace, stream_key, consumer";
    private const string AdvanceConsumer = """
        UPDATE stream_consumers SET
            failures = CASE WHEN @seq > consumer_offset THEN 0 ELSE failures END,
            last_error = CASE WHEN @seq > consumer_offset THEN NULL ELSE last_error END,
            consumer_offset = GREATEST(consumer_offset, @seq)
        WHERE stream_namespace = @ns AND stream_key = @key AND consumer = @consumer
        """;

    /// <summary>Without consumers, <c>MIN(consumer_offset)</c> is null and no item is deleted.</summary>
    private const string TrimItems = """
        DELETE FROM stream_items WHERE stream_namespace = @ns AND stream_key = @key
            AND seq <= (SELECT MIN(consumer_offset) FROM stream_consumers WHERE stream_namespace = @ns AND stream_key = @key)
        """;
    private const string DeleteConsumer = "DELETE FROM stream_consumers WHERE " + ConsumerMatch;
    private const string CountFailure =
        "UPDATE stream_consumers SET failures = failures + 1, last_error = @error WHERE " + ConsumerMatch + " RETURNING failures";
    private const string InsertDeadLetter = """
        INSERT INTO dead_letters (stream_namespace, stream_key, consumer, seq, payload, enqueued_at, error, attempts, dead_lettered_at)
        VALUES (@ns, @key, @consumer, @seq, @payload, @enqueued_at, @error, @attempts, @dead_lettered_at)
        """;
    private const string CountDeadLetter = "UPDATE stream_heads SET dead_lettered = dead_lettered + 1 WHERE " + StreamMatch;
    private const string SelectDeadLetters = """
        SELECT consumer, seq, payload, enqueued_at, error, attempts, dead_lettered_at FROM dead_letters
        WHERE stream_namespace = @ns AND stream_key = @key ORDER BY id LIMIT @max
        """;
    private const string SelectStreams = """
        SELECT h.stream_namespace, h.stream_key FROM stream_heads h
        WHERE (@ns::text IS NULL OR h.stream_namespace = @ns)
            AND (EXISTS (SELECT 1 FROM stream_items i WHERE i.stream_namespace = h.stream_namespace AND i.stream_key = h.stream_key)
                OR EXISTS (SELECT 1 FROM stream_consumers c WHERE c.stream_namespace = h.stream_namespace AND c.stream_key = h.stream_key))
        ORDER BY h.stream_namespace, h.stream_key
        """;

    /// <inheritdoc/>
    public Task<long?> AppendAsync(StreamId stream, string payload, int capacity, DateTimeOffset enqueuedAt, CancellationToken cancellationToken) =>
        database.RunBatchAsync(
            [
                Statement(LockHead, stream),
                Statement(Append, stream)
                    .WithText("payload", payload)
                    .WithTime("enqueued_at", enqueuedAt)
                    .With("capacity", NpgsqlDbType.Integer, capacity)],
            async (reader, ct) => await ReadRowsAsync(reader, row => row.GetInt64(0), ct).ConfigureAwait(false) is [var sequence] ? sequence : (long?)null,
            cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<QueueItem>> ReadAsync(StreamId stream, long afterSequence, int maxCount, CancellationToken cancellationToken)
    {
        await using var command = Bind(database.Command(SelectItems), stream).WithBigint("after", afterSequence).WithBigint("max", maxCount);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadRowsAsync(reader, row => new QueueItem(stream, row.GetInt64(0), row.GetString(1), row.GetTime(2)), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<QueueConsumer> RegisterConsumerAsync(StreamId stream, string consumer, CancellationToken cancellationToken) =>
        database.RunBatchAsync(
            [
                Statement(LockHead, stream),
                Statement(EnsureConsumer, stream, consumer),
                Statement(SelectConsumer, stream, consumer)],
            async (reader, ct) => (await ReadRowsAsync(reader, ReadConsumer, ct).ConfigureAwait(false))[0],
            cancellationToken);

    /// <inheritdoc/>
    public Task AcknowledgeAsync(StreamId stream, string consumer, long sequence, CancellationToken cancellationToken) =>
        database.RunBatchAsync(
            [
                Statement(LockHead, stream),
                Statement(EnsureConsumer, stream, consumer),
                Statement(AdvanceConsumer, stream, consumer).WithBigint("seq", sequence),
                Statement(TrimItems, stream)],
            NoRowsAsync,
            cancellationToken);

    /// <inheritdoc/>
    public Task<int> RecordFailureAsync(StreamId stream, string consumer, string error, CancellationToken cancellationToken) =>
        database.RunBatchAsync(
            [
                Statement(LockHead, stream),
                Statement(EnsureConsumer, stream, consumer),
                Statement(CountFailure, stream, consumer).WithText("error", error)],
            async (reader, ct) => (await ReadRowsAsync(reader, row => row.GetInt32(0), ct).ConfigureAwait(false))[0],
            cancellationToken);

    /// <inheritdoc/>
    public Task DeadLetterAsync(StreamId stream, string consumer, QueueItem item, string error, int attempts, DateTimeOffset deadLetteredAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        return database.RunBatchAsync(
            [
                Statement(LockHead, stream),
                Statement(EnsureConsumer, stream, consumer),
                Statement(InsertDeadLetter, stream, consumer)
                    .WithBigint("seq", item.Sequence)
                    .WithText("payload", item.Payload)
                    .WithTime("enqueued_at", item.EnqueuedAt)
                    .WithText("error", error)
                    .With("attempts", NpgsqlDbType.Integer, attempts)
                    .WithTime("dead_lettered_at", deadLetteredAt),
                Statement(CountDeadLetter, stream),
                Statement(AdvanceConsumer, stream, consumer).WithBigint("seq", item.Sequence),
                Statement(TrimItems, stream)],
            NoRowsAsync,
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task RemoveConsumerAsync(StreamId stream, string consumer, CancellationToken cancellationToken) =>
        database.RunBatchAsync(
            [
                Statement(LockExistingHead, stream),
                Statement(DeleteConsumer, stream, consumer),
                Statement(TrimItems, stream)],
            NoRowsAsync,
            cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<QueueConsumer>> ListConsumersAsync(string? streamNamespace, CancellationToken cancellationToken)
    {
        await using var command = database.Command(SelectAllConsumers).WithText("ns", streamNamespace);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadRowsAsync(reader, ReadConsumer, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StreamId>> ListQueuesAsync(string? streamNamespace, CancellationToken cancellationToken)
    {
        await using var command = database.Command(SelectStreams).WithText("ns", streamNamespace);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadRowsAsync(reader, row => QueueIds.From(row.GetString(0), row.GetString(1)), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<QueueStats> GetStatsAsync(StreamId stream, CancellationToken cancellationToken) =>
        // One repeatable-read transaction, so the counters and the consumers come from the same snapshot.
        database.RunBatchAsync(
            [Statement(SelectPosition, stream), Statement(SelectStreamConsumers, stream)],
            async (reader, ct) =>
            {
                var (produced, deadLettered, depth) =
                    (await ReadRowsAsync(reader, row => (row.GetInt64(0), row.GetInt64(1), row.GetInt64(2)), ct).ConfigureAwait(false))[0];
                var consumers = await reader.NextResultAsync(ct).ConfigureAwait(false)
                    ? await ReadRowsAsync(reader, ReadConsumer, ct).ConfigureAwait(false)
                    : [];
                return new QueueStats(stream, produced, depth, deadLettered, consumers);
            },
            cancellationToken,
            System.Data.IsolationLevel.RepeatableRead);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<QueueDeadLetter>> ReadDeadLettersAsync(StreamId stream, int maxCount, CancellationToken cancellationToken)
    {
        await using var command = Bind(database.Command(SelectDeadLetters), stream).WithBigint("max", maxCount);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadRowsAsync(reader, row => new QueueDeadLetter(
            stream,
            row.GetString(0),
            row.GetInt64(1),
            row.GetString(2),
            row.GetTime(3),
            row.GetString(4),
            row.GetInt32(5),
            row.GetTime(6)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the rows of the first result set that has columns, skipping the results of statements that
    /// return none.</summary>
    private static async Task<List<T>> ReadRowsAsync<T>(NpgsqlDataReader reader, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        while (reader.FieldCount == 0)
        {
            if (!await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException("A queue statement returned no result.");
            }
        }

        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static Task<bool> NoRowsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken) => Task.FromResult(true);

    private static QueueConsumer ReadConsumer(NpgsqlDataReader row) => new(
        QueueIds.From(row.GetString(0), row.GetString(1)), row.GetString(2), row.GetInt64(3), row.GetInt32(4), row.GetNullableString(5));

    private static NpgsqlBatchCommand Statement(string sql, StreamId stream) =>
        new NpgsqlBatchCommand(sql).WithText("ns", QueueIds.Namespace(stream)).WithText("key", QueueIds.Key(stream));

    private static NpgsqlBatchCommand Statement(string sql, StreamId stream, string consumer) =>
        Statement(sql, stream).WithText("consumer", consumer);

    private static NpgsqlCommand Bind(NpgsqlCommand command, StreamId stream) =>
        command.WithText("ns", QueueIds.Namespace(stream)).WithText("key", QueueIds.Key(stream));
}
