using System.Globalization;
using Microsoft.Data.Sqlite;
using Orchestrator.Providers.Queues;

namespace Orchestrator.Providers.Sqlite;

/// <summary>Durable queue items, consumer offsets and dead letters in SQLite; changes go through the group-commit
/// writer. Items are only ever deleted from the front of a stream (once every consumer acknowledged them), so the
/// stored items are always the run from the smallest stored sequence to the stream's last one.</summary>
internal sealed class SqliteQueueStore(SqliteDatabase database) : IQueueStore
{
    private const string StreamMatch = "namespace = $ns AND key = $key";
    private const string ConsumerMatch = StreamMatch + " AND consumer = $consumer";

    /// <summary>Last sequence, smallest stored sequence (null when none) and smallest consumer offset (0 without consumers).</summary>
    private const string SelectPosition = """
        SELECT
            COALESCE((SELECT last_seq FROM stream_heads WHERE namespace = $ns AND key = $key), 0),
            (SELECT MIN(seq) FROM stream_items WHERE namespace = $ns AND key = $key),
            COALESCE((SELECT MIN(offset) FROM stream_consumers WHERE namespace = $ns AND key = $key), 0),
            COALESCE((SELECT dead_lettered FROM stream_heads WHERE namespace = $ns AND key = $key), 0)
        """;
    private const string EnsureHead = "INSERT INTO stream_heads (namespace, key, last_seq, dead_lettered) VALUES ($ns, $key, 0, 0) ON CONFLICT DO NOTHING";
    private const string AppendItem = """
        INSERT INTO stream_heads (namespace, key, last_seq, dead_lettered) VALUES ($ns, $key, $seq, 0)
            ON CONFLICT (namespace, key) DO UPDATE SET last_seq = excluded.last_seq;
        INSERT INTO stream_items (namespace, key, seq, payload, enqueued_at) VALUES ($ns, $key, $seq, $payload, $enqueuedAt);
        """;
    private const string SelectItems =
        "SELECT seq, payload, enqueued_at FROM stream_items WHERE " + StreamMatch + " AND seq > $after ORDER BY seq LIMIT $max";
    private const string EnsureConsumer =
        "INSERT INTO stream_consumers (namespace, key, consumer, offset, failures, last_error) VALUES ($ns, $key, $consumer, 0, 0, NULL) ON CONFLICT DO NOTHING";
    private const string SelectConsumerColumns = "SELECT namespace, key, consumer, offset, failures, last_error FROM stream_consumers";
    private const string SelectConsumer = SelectConsumerColumns + " WHERE " + ConsumerMatch;
    private const string SelectStreamConsumers = SelectConsumerColumns + " WHERE " + StreamMatch + " ORDER BY consumer";
    private const string SelectAllConsumers =
        SelectConsumerColumns + " WHERE $ns IS NULL OR namespace = $ns ORDER BY namespace, key, consumer";
    private const string AdvanceConsumer = """
        UPDATE stream_consumers SET
            failures = CASE WHEN $seq > offset THEN 0 ELSE failures END,
            last_error = CASE WHEN $seq > offset THEN NULL ELSE last_error END,
            offset = MAX(offset, $seq)
        WHERE namespace = $ns AND key = $key AND consumer = $consumer;
        DELETE FROM stream_items WHERE namespace = $ns AND key = $key
            AND seq <= (SELECT MIN(offset) FROM stream_consumers WHERE namespace = $ns AND key = $key);
        """;
    /// <summary>Without consumers left, <c>MIN(offset)</c> is null and no item is deleted.</summary>
    private const string DeleteConsumer = """
        DELETE FROM stream_consumers WHERE namespace = $ns AND key = $key AND consumer = $consumer;
        DELETE FROM stream_items WHERE namespace = $ns AND key = $key
            AND seq <= (SELECT MIN(offset) FROM stream_consumers WHERE namespace = $ns AND key = $key);
        """;
    private const string CountFailure =
        "UPDATE stream_consumers SET failures = failures + 1, last_error = $error WHERE " + ConsumerMatch + " RETURNING failures";
    private const string InsertDeadLetter = """
        INSERT INTO dead_letters (namespace, key, consumer, seq, payload, enqueued_at, error, attempts, dead_lettered_at)
        VALUES ($ns, $key, $consumer, $seq, $payload, $enqueuedAt, $error, $attempts, $deadLetteredAt);
        UPDATE stream_heads SET dead_lettered = dead_lettered + 1 WHERE namespace = $ns AND key = $key;
        """;
    private const string SelectDeadLetters = """
        SELECT consumer, seq, payload, enqueued_at, error, attempts, dead_lettered_at FROM dead_letters
        WHERE namespace = $ns AND key = $key ORDER BY id LIMIT $max
        """;
    private const string SelectStreams = """
        SELECT h.namespace, h.key FROM stream_heads h
        WHERE ($ns IS NULL OR h.namespace = $ns)
            AND (EXISTS (SELECT 1 FROM stream_items i WHERE i.namespace = h.namespace AND i.key = h.key)
                OR EXISTS (SELECT 1 FROM stream_consumers c WHERE c.namespace = h.namespace AND c.key = h.key))
        ORDER BY h.namespace, h.key
        """;

    /// <inheritdoc/>
    public Task<long?> AppendAsync(StreamId stream, string payload, int capacity, DateTimeOffset enqueuedAt, CancellationToken cancellationToken) =>
        database.WriteAsync<long?>(scope =>
        {
            var position = ReadPosition(scope.Command(SelectPosition), stream);
            if (position.Depth >= capacity)
            {
                return null;
            }

            var sequence = position.LastSequence + 1;
            Bind(scope.Command(AppendItem), stream)
                .With("$seq", sequence).With("$payload", payload).With("$enqueuedAt", enqueuedAt.ToUnixTimeMilliseconds())
                .ExecuteNonQuery();
            return sequence;
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<QueueItem>> ReadAsync(StreamId stream, long afterSequence, int maxCount, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<QueueItem>>(scope =>
        {
            var command = Bind(scope.Command(SelectItems), stream).With("$after", afterSequence).With("$max", maxCount);
            using var reader = command.ExecuteReader();
            var items = new List<QueueItem>();
            while (reader.Read())
            {
                items.Add(new QueueItem(stream, reader.GetInt64(0), reader.GetString(1), reader.GetUnixMilliseconds(2)));
            }

            return items;
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<QueueConsumer> RegisterConsumerAsync(StreamId stream, string consumer, CancellationToken cancellationToken) =>
        database.WriteAsync(scope =>
        {
            EnsureConsumerExists(scope, stream, consumer);
            using var reader = Bind(scope.Command(SelectConsumer), stream, consumer).ExecuteReader();
            return ReadConsumers(reader)[0];
        }, cancellationToken);

    /// <inheritdoc/>
    public Task AcknowledgeAsync(StreamId stream, string consumer, long sequence, CancellationToken cancellationToken) =>
        database.WriteAsync(scope =>
        {
            EnsureConsumerExists(scope, stream, consumer);
            Acknowledge(scope, stream, consumer, sequence);
            return true;
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<int> RecordFailureAsync(StreamId stream, string consumer, string error, CancellationToken cancellationToken) =>
        database.WriteAsync(scope =>
        {
            EnsureConsumerExists(scope, stream, consumer);
            var failures = Bind(scope.Command(CountFailure), stream, consumer).With("$error", error).ExecuteScalar();
            return Convert.ToInt32(failures, CultureInfo.InvariantCulture);
        }, cancellationToken);

    /// <inheritdoc/>
    public Task DeadLetterAsync(StreamId stream, string consumer, QueueItem item, string error, int attempts, DateTimeOffset deadLetteredAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        return database.WriteAsync(scope =>
        {
            EnsureConsumerExists(scope, stream, consumer);
            Bind(scope.Command(InsertDeadLetter), stream, consumer)
                .With("$seq", item.Sequence)
                .With("$payload", item.Payload)
                .With("$enqueuedAt", item.EnqueuedAt.ToUnixTimeMilliseconds())
                .With("$error", error)
                .With("$attempts", attempts)
                .With("$deadLetteredAt", deadLetteredAt.ToUnixTimeMilliseconds())
                .ExecuteNonQuery();
            Acknowledge(scope, stream, consumer, item.Sequence);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task RemoveConsumerAsync(StreamId stream, string consumer, CancellationToken cancellationToken) =>
        database.WriteAsync(scope =>
        {
            Bind(scope.Command(DeleteConsumer), stream, consumer).ExecuteNonQuery();
            return true;
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<QueueConsumer>> ListConsumersAsync(string? streamNamespace, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<QueueConsumer>>(scope =>
        {
            var command = scope.Command(SelectAllConsumers).With("$ns", streamNamespace);
            using var reader = command.ExecuteReader();
            return ReadConsumers(reader);
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<StreamId>> ListQueuesAsync(string? streamNamespace, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<StreamId>>(scope =>
        {
            var command = scope.Command(SelectStreams).With("$ns", streamNamespace);
            using var reader = command.ExecuteReader();
            var streams = new List<StreamId>();
            while (reader.Read())
            {
                streams.Add(QueueIds.From(reader.GetString(0), reader.GetString(1)));
            }

            return streams;
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<QueueStats> GetStatsAsync(StreamId stream, CancellationToken cancellationToken) =>
        database.ReadAsync(scope =>
        {
            // One read transaction, so the counters and the consumers come from the same snapshot.
            using var transaction = scope.Connection.BeginTransaction(deferred: true);
            using var positionCommand = scope.Connection.Command(SelectPosition, transaction);
            var position = ReadPosition(positionCommand, stream);
            using var consumersCommand = Bind(scope.Connection.Command(SelectStreamConsumers, transaction), stream);
            using var reader = consumersCommand.ExecuteReader();
            return new QueueStats(stream, position.LastSequence, position.Depth, position.DeadLettered, ReadConsumers(reader));
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<QueueDeadLetter>> ReadDeadLettersAsync(StreamId stream, int maxCount, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<QueueDeadLetter>>(scope =>
        {
            var command = Bind(scope.Command(SelectDeadLetters), stream).With("$max", maxCount);
            using var reader = command.ExecuteReader();
            var deadLetters = new List<QueueDeadLetter>();
            while (reader.Read())
            {
                deadLetters.Add(new QueueDeadLetter(
                    stream,
                    reader.GetString(0),
                    reader.GetInt64(1),
                    reader.GetString(2),
                    reader.GetUnixMilliseconds(3),
                    reader.GetString(4),
                    reader.GetInt32(5),
                    reader.GetUnixMilliseconds(6)));
            }

            return deadLetters;
        }, cancellationToken);

    private static void EnsureConsumerExists(SqliteWriteScope scope, StreamId stream, string consumer)
    {
        Bind(scope.Command(EnsureHead), stream).ExecuteNonQuery();
        Bind(scope.Command(EnsureConsumer), stream, consumer).ExecuteNonQuery();
    }

    /// <summary>Moves the consumer's offset forward (resetting its failures when it moves) and deletes the items every
    /// consumer has acknowledged.</summary>
    private static void Acknowledge(SqliteWriteScope scope, StreamId stream, string consumer, long sequence) =>
        Bind(scope.Command(AdvanceConsumer), stream, consumer).With("$seq", sequence).ExecuteNonQuery();

    private static QueuePosition ReadPosition(SqliteCommand command, StreamId stream)
    {
        using var reader = Bind(command, stream).ExecuteReader();
        reader.Read();
        return new QueuePosition(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    private static List<QueueConsumer> ReadConsumers(SqliteDataReader reader)
    {
        var consumers = new List<QueueConsumer>();
        while (reader.Read())
        {
            consumers.Add(new QueueConsumer(
                QueueIds.From(reader.GetString(0), reader.GetString(1)),
                reader.GetString(2),
                reader.GetInt64(3),
                reader.GetInt32(4),
                reader.GetNullableString(5)));
        }

        return consumers;
    }

    private static SqliteCommand Bind(SqliteCommand command, StreamId stream) =>
        command.With("$ns", QueueIds.Namespace(stream)).With("$key", QueueIds.Key(stream));

    private static SqliteCommand Bind(SqliteCommand command, StreamId stream, string consumer) =>
        Bind(command, stream).With("$consumer", consumer);
}
