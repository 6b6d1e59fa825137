using Npgsql;
using NpgsqlTypes;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Providers.Postgres;

/// <summary>Grain states, their journals and query views in PostgreSQL. Every write is one statement whose first part
/// checks the ETag in the database (so silos sharing the database cannot overwrite each other) and whose other parts
/// touch the views and journal only when that check passed; writes go through the group-commit writer.</summary>
internal sealed class PostgresStateStore(PostgresDatabase database) : IStateStore
{
    private const string GrainMatch = "grain_type = @type AND grain_key = @key";
    private const string StateMatch = GrainMatch + " AND state_name = @state";

    private const string SelectState = "SELECT payload, etag FROM grain_state WHERE " + StateMatch;
    private const string SelectEtag = "SELECT etag FROM grain_state WHERE " + StateMatch;
    private const string SelectParts = "SELECT part, payload FROM grain_state_parts WHERE " + StateMatch + " ORDER BY part";

    private const string InsertState = """
        WITH written AS (
            INSERT INTO grain_state (grain_type, grain_key, state_name, payload, etag, updated_at)
            VALUES (@type, @key, @state, @payload, nextval('etags'), @at)
            ON CONFLICT DO NOTHING
            RETURNING etag)
        """;
    private const string UpdateState = """
        WITH written AS (
            UPDATE grain_state SET payload = @payload, etag = nextval('etags'), updated_at = @at
            WHERE grain_type = @type AND grain_key = @key AND state_name = @state AND etag = @expected
            RETURNING etag)
        """;

    /// <summary>Follows the ETag-checked change: view rows and journal entries, written only when it changed a row. The
    /// parts of one statement share a snapshot, so the delete does not see the rows the insert adds.</summary>
    private const string WriteViewsAndJournal = """
        ,
        old_views AS (
            DELETE FROM view_rows
            WHERE grain_type = @type AND grain_key = @key AND view_name = ANY(@views) AND EXISTS (SELECT 1 FROM written)),
        new_views AS (
            INSERT INTO view_rows (view_name, grain_type, grain_key, key1, key2, sort_at, payload)
            SELECT r.view_name, @type, @key, r.key1, r.key2, r.sort_at, r.payload
            FROM unnest(@row_views, @row_key1s, @row_key2s, @row_sort_ats, @row_payloads) AS r (view_name, key1, key2, sort_at, payload)
            WHERE EXISTS (SELECT 1 FROM written)),
        journal AS (
            INSERT INTO grain_journal (grain_type, grain_key, seq, payload)
            SELECT @type, @key, j.seq, j.payload
            FROM unnest(@journal_seqs, @journal_payloads) AS j (seq, payload)
            WHERE EXISTS (SELECT 1 FROM written)),
        trimmed AS (
            DELETE FROM grain_journal
            WHERE grain_type = @type AND grain_key = @key AND seq < @journal_keeps_from AND EXISTS (SELECT 1 FROM written))
        """;

    /// <summary>Writes and deletes the state's parts (<see cref="IPartedState"/>), again only when the check passed.</summary>
    private const string WriteParts = """
        ,
        upserted_parts AS (
            INSERT INTO grain_state_parts (grain_type, grain_key, state_name, part, payload)
            SELECT @type, @key, @state, p.part, p.payload
            FROM unnest(@part_keys, @part_payloads) AS p (part, payload)
            WHERE p.payload IS NOT NULL AND EXISTS (SELECT 1 FROM written)
            ON CONFLICT (grain_type, grain_key, state_name, part) DO UPDATE SET payload = excluded.payload),
        deleted_parts AS (
            DELETE FROM grain_state_parts
            WHERE grain_type = @type AND grain_key = @key AND state_name = @state AND part = ANY(@deleted_parts)
            AND EXISTS (SELECT 1 FROM written))
        """;

    private const string SelectWritten = " SELECT etag FROM written";

    private const string Insert = InsertState + WriteViewsAndJournal + SelectWritten;
    private const string Update = UpdateState + WriteViewsAndJournal + SelectWritten;
    private const string InsertWithParts = InsertState + WriteViewsAndJournal + WriteParts + SelectWritten;
    private const string UpdateWithParts = UpdateState + WriteViewsAndJournal + WriteParts + SelectWritten;

    /// <summary>Deletes the record when its ETag matches, then the grain's views and journal; returns the rows deleted.</summary>
    private const string ClearMatching = """
        WITH cleared AS (
            DELETE FROM grain_state WHERE grain_type = @type AND grain_key = @key AND state_name = @state AND etag = @expected
            RETURNING 1)
        """;

    /// <summary>With no ETag the clear applies when no record exists; it still removes views and journal left behind.</summary>
    private const string ClearAbsent = """
        WITH cleared AS (
            SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM grain_state WHERE grain_type = @type AND grain_key = @key AND state_name = @state))
        """;
    private const string ClearViewsAndJournal = """
        ,
        views AS (DELETE FROM view_rows WHERE grain_type = @type AND grain_key = @key AND EXISTS (SELECT 1 FROM cleared)),
        journal AS (DELETE FROM grain_journal WHERE grain_type = @type AND grain_key = @key AND EXISTS (SELECT 1 FROM cleared)),
        parts AS (
            DELETE FROM grain_state_parts
            WHERE grain_type = @type AND grain_key = @key AND state_name = @state AND EXISTS (SELECT 1 FROM cleared))
        SELECT count(*) FROM cleared
        """;

    private const string SelectJournal =
        "SELECT seq, payload FROM grain_journal WHERE " + GrainMatch + " AND seq > @after ORDER BY seq LIMIT @limit";

    private const string SelectViewRows = "SELECT grain_type, grain_key, key1, key2, sort_at, payload FROM view_rows WHERE view_name = @view";
    private const string ViewPageTail =
        " AND (sort_at, grain_key) < (COALESCE(@after_at, 'infinity'::timestamptz), @after_key) ORDER BY sort_at DESC, grain_key DESC LIMIT @limit";
    private const string QueryView = SelectViewRows + ViewPageTail;
    private const string CountView =
        "SELECT key2, floor(extract(epoch FROM sort_at) * 1000 / @bucket)::bigint * @bucket, count(*) FROM view_rows WHERE view_name = @view AND sort_at >= @since";
    private const string QueryViewByKey1 = SelectViewRows + " AND key1 = @key1" + ViewPageTail;
    private const string QueryViewByKey2 = SelectViewRows + " AND key2 = @key2" + ViewPageTail;
    private const string QueryViewByKeys = SelectViewRows + " AND key1 = @key1 AND key2 = @key2" + ViewPageTail;

    /// <inheritdoc/>
    public async Task<StoredState?> ReadAsync(StateKey grain, string stateName, CancellationToken cancellationToken)
    {
        await using var command = Bind(database.Command(SelectState), grain, stateName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new StoredState(reader.GetString(0), PostgresParameters.FormatEtag(reader.GetInt64(1)))
            : null;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StatePart>> ReadPartsAsync(StateKey grain, string stateName, CancellationToken cancellationToken)
    {
        await using var command = Bind(database.Command(SelectParts), grain, stateName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var parts = new List<StatePart>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            parts.Add(new StatePart(reader.GetString(0), reader.GetString(1)));
        }

        return parts;
    }

    /// <inheritdoc/>
    public async Task<string> WriteAsync(StateWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var updatedAt = database.Clock.GetUtcNow();
        long? expected = null;
        if (write.ExpectedEtag is not null)
        {
            if (!PostgresParameters.TryParseEtag(write.ExpectedEtag, out var parsed))
            {
                // No stored ETag can equal it.
                throw await StaleAsync(write.Grain, write.StateName, write.ExpectedEtag, cancellationToken).ConfigureAwait(false);
            }

            expected = parsed;
        }

        var etag = await database.WriteAsync(OrderKey(write.Grain, write.StateName), () => WriteCommand(write, expected, updatedAt), cancellationToken)
            .ConfigureAwait(false);
        return etag is { } written
            ? PostgresParameters.FormatEtag(written)
            : throw await StaleAsync(write.Grain, write.StateName, write.ExpectedEtag, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task ClearAsync(StateKey grain, string stateName, string? expectedEtag, CancellationToken cancellationToken)
    {
        long? expected = null;
        if (expectedEtag is not null)
        {
            expected = PostgresParameters.TryParseEtag(expectedEtag, out var parsed) ? parsed : -1;
        }

        var cleared = await database.WriteAsync(OrderKey(grain, stateName), () => ClearCommand(grain, stateName, expected), cancellationToken)
            .ConfigureAwait(false);
        if (cleared != 1)
        {
            throw await StaleAsync(grain, stateName, expectedEtag, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<JournalEntry>> ReadJournalAsync(StateKey grain, long afterSequence, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        await using var command = database.Command(SelectJournal)
            .WithText("type", grain.GrainType).WithText("key", grain.GrainKey)
            .WithBigint("after", afterSequence).WithBigint("limit", maxCount);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<JournalEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new JournalEntry(reader.GetInt64(0), reader.GetString(1)));
        }

        return entries;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ViewCount>> CountViewAsync(ViewCountQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var command = database.Command(CountView + (query.Key1 is null ? "" : " AND key1 = @key1") + " GROUP BY 1, 2")
            .WithText("view", query.View)
            .WithText("key1", query.Key1)
            .WithTime("since", query.Since)
            .WithBigint("bucket", ViewCounts.BucketMilliseconds(query.Bucket));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var counts = new List<ViewCount>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts.Add(new ViewCount(reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetInt64(2)));
        }

        return counts;
    }

    /// <inheritdoc/>
    public async Task<ViewPage> QueryViewAsync(ViewQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        var sql = (query.Key1, query.Key2) switch
        {
            (null, null) => QueryView,
            (not null, null) => QueryViewByKey1,
            (null, not null) => QueryViewByKey2,
            _ => QueryViewByKeys,
        };

        // Without a cursor the first page starts after every row: at infinity.
        await using var command = database.Command(sql)
            .WithText("view", query.View)
            .WithText("key1", query.Key1)
            .WithText("key2", query.Key2)
            .With("after_at", NpgsqlDbType.TimestampTz, query.After?.SortAt.ToUniversalTime())
            .WithText("after_key", query.After?.GrainKey ?? "")
            .WithBigint("limit", query.Limit + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<ViewResultRow>(query.Limit + 1);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new ViewResultRow(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetTime(4), reader.GetString(5)));
        }

        ViewCursor? next = null;
        if (rows.Count > query.Limit)
        {
            rows.RemoveAt(rows.Count - 1);
            next = new ViewCursor(rows[^1].SortAt, rows[^1].GrainKey);
        }

        return new ViewPage(rows, next);
    }

    private static NpgsqlBatchCommand WriteCommand(StateWrite write, long? expected, DateTimeOffset updatedAt)
    {
        var parts = write.Parts ?? [];
        var command = new NpgsqlBatchCommand((expected is null, parts.Count > 0) switch
            {
                (true, false) => Insert,
                (false, false) => Update,
                (true, true) => InsertWithParts,
                (false, true) => UpdateWithParts,
            })
            .WithText("type", write.Grain.GrainType)
            .WithText("key", write.Grain.GrainKey)
            .WithText("state", write.StateName)
            .WithText("payload", write.Payload)
            .WithTime("at", updatedAt);
        if (expected is { } etag)
        {
            command.WithBigint("expected", etag);
        }

        var rows = write.Views ?? [];
        var journal = write.Journal ?? [];
        command
            .With("views", NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(row => row.View).Distinct(StringComparer.Ordinal).ToArray())
            .With("row_views", NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(row => row.View).ToArray())
            .With("row_key1s", NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(row => row.Key1).ToArray())
            .With("row_key2s", NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(row => row.Key2).ToArray())
            .With("row_sort_ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, rows.Select(row => row.SortAt.ToUniversalTime()).ToArray())
            .With("row_payloads", NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(row => row.Payload).ToArray())
            .With("journal_seqs", NpgsqlDbType.Array | NpgsqlDbType.Bigint, journal.Select(entry => entry.Sequence).ToArray())
            .With("journal_payloads", NpgsqlDbType.Array | NpgsqlDbType.Text, journal.Select(entry => entry.Payload).ToArray())
            .WithBigint("journal_keeps_from", write.JournalKeepsFrom ?? long.MinValue);
        if (parts.Count > 0)
        {
            var written = parts.Where(part => part.Payload is not null).ToList();
            command
                .With("part_keys", NpgsqlDbType.Array | NpgsqlDbType.Text, written.Select(part => part.Key).ToArray())
                .With("part_payloads", NpgsqlDbType.Array | NpgsqlDbType.Text, written.Select(part => part.Payload!).ToArray())
                .With("deleted_parts", NpgsqlDbType.Array | NpgsqlDbType.Text, parts.Where(part => part.Payload is null).Select(part => part.Key).ToArray());
        }

        return command;
    }

    private static NpgsqlBatchCommand ClearCommand(StateKey grain, string stateName, long? expected)
    {
        var command = new NpgsqlBatchCommand((expected is null ? ClearAbsent : ClearMatching) + ClearViewsAndJournal)
            .WithText("type", grain.GrainType)
            .WithText("key", grain.GrainKey)
            .WithText("state", stateName);
        return expected is { } etag ? command.WithBigint("expected", etag) : command;
    }

    /// <summary>The error for a rejected write or clear, with the ETag stored now (read afterwards: the statement that
    /// was rejected may have waited for the writer that changed it).</summary>
    private async Task<Orleans.Storage.InconsistentStateException> StaleAsync(
        StateKey grain, string stateName, string? expectedEtag, CancellationToken cancellationToken)
    {
        await using var command = Bind(database.Command(SelectEtag), grain, stateName);
        var stored = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long etag ? PostgresParameters.FormatEtag(etag) : null;
        return StateConflicts.Stale(grain, stateName, expectedEtag, stored);
    }

    private static string OrderKey(StateKey grain, string stateName) => $"{grain.GrainType}\n{grain.GrainKey}\n{stateName}";

    private static NpgsqlCommand Bind(NpgsqlCommand command, StateKey grain, string stateName) =>
        command.WithText("type", grain.GrainType).WithText("key", grain.GrainKey).WithText("state", stateName);
}
