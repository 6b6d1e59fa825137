using System.Globalization;
using Microsoft.Data.Sqlite;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Providers.Sqlite;

/// <summary>Grain states, their journals and query views in SQLite. Every write checks the ETag with its first statement and touches
/// the views only when that statement changed the record, so a rejected write leaves no trace in its batch.</summary>
internal sealed class SqliteStateStore(SqliteDatabase database) : IStateStore
{
    private const string GrainMatch = "grain_type = $type AND grain_key = $key";
    private const string StateMatch = GrainMatch + " AND state_name = $state";

    private const string SelectState = "SELECT payload, etag FROM grain_state WHERE " + StateMatch;
    private const string SelectEtag = "SELECT etag FROM grain_state WHERE " + StateMatch;
    private const string InsertState = """
        INSERT INTO grain_state (grain_type, grain_key, state_name, payload, etag, updated_at)
        VALUES ($type, $key, $state, $payload, $etag, $at)
        ON CONFLICT DO NOTHING
        """;
    private const string UpdateState =
        "UPDATE grain_state SET payload = $payload, etag = $etag, updated_at = $at WHERE " + StateMatch + " AND etag = $expected";
    private const string DeleteState = "DELETE FROM grain_state WHERE " + StateMatch;
    private const string DeleteGrainViews = "DELETE FROM view_rows WHERE " + GrainMatch;
    private const string DeleteGrainView = "DELETE FROM view_rows WHERE " + GrainMatch + " AND view = $view";
    private const string InsertViewRow = """
        INSERT INTO view_rows (view, grain_type, grain_key, key1, key2, sort_at, payload)
        VALUES ($view, $type, $key, $key1, $key2, $sortAt, $payload)
        """;

    private const string SelectParts = "SELECT part, payload FROM grain_state_parts WHERE " + StateMatch + " ORDER BY part";
    private const string UpsertPart = """
        INSERT INTO grain_state_parts (grain_type, grain_key, state_name, part, payload) VALUES ($type, $key, $state, $part, $payload)
        ON CONFLICT (grain_type, grain_key, state_name, part) DO UPDATE SET payload = excluded.payload
        """;
    private const string DeletePart = "DELETE FROM grain_state_parts WHERE " + StateMatch + " AND part = $part";
    private const string DeleteParts = "DELETE FROM grain_state_parts WHERE " + StateMatch;

    private const string InsertJournal = """
        INSERT INTO grain_journal (grain_type, grain_key, seq, payload, last_seq, entries) VALUES ($type, $key, $seq, $payload, $last, $entries)
        """;
    private const string DeleteJournal = "DELETE FROM grain_journal WHERE " + GrainMatch;
    private const string TrimJournal = DeleteJournal + " AND seq < $keepsFrom";
    /// <summary>Rows from the one that may hold <c>$after</c> (the last to start at or before it) on.</summary>
    private const string SelectJournal =
        "SELECT seq, payload, entries FROM grain_journal WHERE " + GrainMatch
        + " AND seq >= COALESCE((SELECT MAX(seq) FROM grain_journal WHERE " + GrainMatch + " AND seq <= $after), $after)"
        + " ORDER BY seq LIMIT $limit";

    /// <summary>The row of several entries that starts before <c>$keepsFrom</c> and ends at or after it.</summary>
    private const string SelectStraddlingJournal =
        "SELECT seq, payload, entries FROM grain_journal WHERE " + GrainMatch + " AND seq < $keepsFrom AND last_seq >= $keepsFrom";

    private const string SelectViewRows = "SELECT grain_type, grain_key, key1, key2, sort_at, payload FROM view_rows WHERE view = $view";
    private const string ViewPageAfter = " AND sort_at <= $afterAt AND (sort_at < $afterAt OR grain_key < $afterKey)";
    private const string ViewPageOrder = " ORDER BY sort_at DESC, grain_key DESC LIMIT $limit";
    private const string ViewPageTail = ViewPageAfter + ViewPageOrder;
    private const string QueryView = SelectViewRows + ViewPageTail;
    private const string ByKey1 = " AND key1 = $key1";
    private const string QueryViewByKey1 = SelectViewRows + ByKey1 + ViewPageTail;
    private const string QueryViewByKey2 = SelectViewRows + " AND key2 = $key2" + ViewPageTail;

    private static readonly string SelectKey2ValuesOfView = SelectKey2Values("");
    private static readonly string SelectKey2ValuesOfKey1 = SelectKey2Values(ByKey1);

    /// <summary>The most key2 values a listing merges; a view with more is listed by sorting its rows.</summary>
    internal const int MaxMergedKey2Values = 32;

    /// <summary>Listings merged from one listing per key2 value, by the number of values (1 to
    /// <see cref="MaxMergedKey2Values"/>), without and with key1; each made when first used.</summary>
    private static readonly string?[][] MergedQueries = [new string?[MaxMergedKey2Values], new string?[MaxMergedKey2Values]];
    private const string CountView =
        "SELECT key2, (sort_at / $bucket) * $bucket, count(*) FROM view_rows WHERE view = $view AND sort_at >= $since";
    private const string CountViewGroups = " GROUP BY 1, 2";
    private const string QueryViewByKeys = SelectViewRows + " AND key1 = $key1 AND key2 = $key2" + ViewPageTail;

    /// <inheritdoc/>
    public Task<StoredState?> ReadAsync(StateKey grain, string stateName, CancellationToken cancellationToken) =>
        database.ReadAsync(scope =>
        {
            var command = scope.Command(SelectState).With("$type", grain.GrainType).With("$key", grain.GrainKey).With("$state", stateName);
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new StoredState(SqliteText.Read(reader, 0), SqliteEtag.Format(reader.GetInt64(1)))
                : null;
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<StatePart>> ReadPartsAsync(StateKey grain, string stateName, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<StatePart>>(scope =>
        {
            var command = Bind(scope.Command(SelectParts), grain, stateName);
            using var reader = command.ExecuteReader();
            var parts = new List<StatePart>();
            while (reader.Read())
            {
                parts.Add(new StatePart(reader.GetString(0), SqliteText.Read(reader, 1)));
            }

            return parts;
        }, cancellationToken);

    /// <inheritdoc/>
    public async Task<string> WriteAsync(StateWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var updatedAt = database.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        // Packed and compressed here, on the caller's thread, so that the single writer only runs the statements.
        var rows = new EncodedRows(
            SqliteText.Encode(write.Payload),
            write.Journal is { } journal ? JournalRows(journal) : [],
            write.Parts is { } parts ? [.. parts.Select(part => (part.Key, part.Payload is null ? null : SqliteText.Encode(part.Payload)))] : [],
            write.Views is { } views ? [.. views.Select(view => (view, SqliteText.Encode(view.Payload)))] : []);
        var (applied, etag) = await database.WriteAsync(scope => Write(scope, write, rows, updatedAt), cancellationToken).ConfigureAwait(false);
        return applied
            ? etag!
            : throw StateConflicts.Stale(write.Grain, write.StateName, write.ExpectedEtag, etag);
    }

    /// <inheritdoc/>
    public async Task ClearAsync(StateKey grain, string stateName, string? expectedEtag, CancellationToken cancellationToken)
    {
        var (applied, storedEtag) = await database.WriteAsync(scope => Clear(scope, grain, stateName, expectedEtag), cancellationToken)
            .ConfigureAwait(false);
        if (!applied)
        {
            throw StateConflicts.Stale(grain, stateName, expectedEtag, storedEtag);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<JournalEntry>> ReadJournalAsync(StateKey grain, long afterSequence, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        return database.ReadAsync<IReadOnlyList<JournalEntry>>(scope =>
        {
            // Every row holds at least one entry: one row more than asked for covers a first row wholly at or before
            // afterSequence.
            var command = scope.Command(SelectJournal)
                .With("$type", grain.GrainType).With("$key", grain.GrainKey).With("$after", afterSequence).With("$limit", maxCount + 1);
            using var reader = command.ExecuteReader();
            var entries = new List<JournalEntry>();
            while (reader.Read())
            {
                SqliteJournalRows.Unpack(reader.GetInt64(0), SqliteText.Read(reader, 1), reader.GetNullableString(2), entries);
            }

            return entries.Where(entry => entry.Sequence > afterSequence).Take(maxCount).ToList();
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ViewCount>> CountViewAsync(ViewCountQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var bucket = ViewCounts.BucketMilliseconds(query.Bucket);
        return database.ReadAsync<IReadOnlyList<ViewCount>>(scope =>
        {
            var command = scope.Command(CountView + (query.Key1 is null ? "" : " AND key1 = $key1") + CountViewGroups)
                .With("$view", query.View)
                .With("$key1", query.Key1)
                .With("$since", query.Since.ToUnixTimeMilliseconds())
                .With("$bucket", bucket);
            using var reader = command.ExecuteReader();
            var counts = new List<ViewCount>();
            while (reader.Read())
            {
                counts.Add(new ViewCount(reader.GetString(0), reader.GetUnixMilliseconds(1), reader.GetInt64(2)));
            }

            return counts;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<ViewPage> QueryViewAsync(ViewQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        return database.ReadAsync(
            scope => query.Key2 is null
                ? QueryMerged(scope, query)
                : ReadPage(Bind(scope, query.Key1 is null ? QueryViewByKey2 : QueryViewByKeys, query), query),
            cancellationToken);
    }

    /// <summary>A listing without a key2: the view's indexes all lead with key2 after the view (and key1), so the page
    /// merges one index-ordered listing per key2 value, read in one snapshot with the values.</summary>
    private static ViewPage QueryMerged(SqliteReadScope scope, ViewQuery query)
    {
        scope.Command("BEGIN").ExecuteNonQuery();
        var values = new List<string>();
        using (var reader = scope.Command(query.Key1 is null ? SelectKey2ValuesOfView : SelectKey2ValuesOfKey1)
                   .With("$view", query.View).With("$key1", query.Key1).ExecuteReader())
        {
            while (reader.Read())
            {
                values.Add(reader.GetString(0));
            }
        }

        var byKey1 = query.Key1 is not null;
        var sql = values.Count switch
        {
            0 => null,
            > MaxMergedKey2Values => byKey1 ? QueryViewByKey1 : QueryView,
            _ => MergedQueries[byKey1 ? 1 : 0][values.Count - 1] ??= MergedText(byKey1 ? ByKey1 : "", values.Count),
        };
        var page = new ViewPage([], null);
        if (sql is not null)
        {
            // The sorting fallback has no parameter per value; binding them anyway is harmless.
            var command = Bind(scope, sql, query);
            for (var i = 0; i < values.Count; i++)
            {
                command.With(Key2Parameter(i), values[i]);
            }

            page = ReadPage(command, query);
        }

        scope.Command("COMMIT").ExecuteNonQuery();
        return page;
    }

    private static SqliteCommand Bind(SqliteReadScope scope, string sql, ViewQuery query) =>
        scope.Command(sql)
            .With("$view", query.View)
            .With("$key1", query.Key1)
            .With("$key2", query.Key2)
            .With("$afterAt", query.After?.SortAt.ToUnixTimeMilliseconds() ?? long.MaxValue)
            .With("$afterKey", query.After?.GrainKey ?? "")
            .With("$limit", query.Limit + 1);

    private static ViewPage ReadPage(SqliteCommand command, ViewQuery query)
    {
        var rows = new List<ViewResultRow>(query.Limit + 1);
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add(new ViewResultRow(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.GetUnixMilliseconds(4),
                    SqliteText.Read(reader, 5)));
            }
        }

        ViewCursor? next = null;
        if (rows.Count > query.Limit)
        {
            rows.RemoveAt(rows.Count - 1);
            next = new ViewCursor(rows[^1].SortAt, rows[^1].GrainKey);
        }

        return new ViewPage(rows, next);
    }

    /// <summary>A view's key2 values (of its rows with key1 <c>$key1</c> when <paramref name="byKey1"/> says so), a seek
    /// in an index each instead of a read of every row.</summary>
    private static string SelectKey2Values(string byKey1) => $"""
        WITH RECURSIVE found(key2) AS (
            SELECT (SELECT min(key2) FROM view_rows WHERE view = $view{byKey1})
            UNION ALL
            SELECT (SELECT min(key2) FROM view_rows WHERE view = $view{byKey1} AND key2 > found.key2) FROM found WHERE found.key2 IS NOT NULL)
        SELECT key2 FROM found WHERE key2 IS NOT NULL
        """;

    private static string Key2Parameter(int index) => string.Create(CultureInfo.InvariantCulture, $"$key2_{index}");

    /// <summary>SQLite reads a compound query ordered like its arms by merging them, each through its index: a page
    /// costs its own rows and one more per arm.</summary>
    private static string MergedText(string byKey1, int count) =>
        string.Join(" UNION ALL ", Enumerable.Range(0, count).Select(i => SelectViewRows + byKey1 + " AND key2 = " + Key2Parameter(i) + ViewPageAfter))
        + ViewPageOrder;

    /// <summary>Runs in the writer's transaction. Returns the new ETag, or (not applied) the stored one.</summary>
    private static (bool Applied, string? Etag) Write(SqliteWriteScope scope, StateWrite write, EncodedRows rows, long updatedAt)
    {
        var etag = scope.NextEtag();
        int changed;
        if (write.ExpectedEtag is null)
        {
            changed = Bind(scope.Command(InsertState), write.Grain, write.StateName)
                .With("$payload", rows.Payload).With("$etag", etag).With("$at", updatedAt)
                .ExecuteNonQuery();
        }
        else if (SqliteEtag.TryParse(write.ExpectedEtag, out var expected))
        {
            changed = Bind(scope.Command(UpdateState), write.Grain, write.StateName)
                .With("$payload", rows.Payload).With("$etag", etag).With("$at", updatedAt).With("$expected", expected)
                .ExecuteNonQuery();
        }
        else
        {
            changed = 0;
        }

        if (changed != 1)
        {
            return (false, StoredEtag(scope, write.Grain, write.StateName));
        }

        if (write.Views is not null)
        {
            ReplaceViews(scope, write.Grain, rows.Views);
        }

        InsertJournalRows(scope, write.Grain, rows.Journal);

        if (write.JournalKeepsFrom is { } keepsFrom)
        {
            TrimJournalBefore(scope, write.Grain, keepsFrom);
        }

        foreach (var (key, payload) in rows.Parts)
        {
            var command = Bind(scope.Command(payload is null ? DeletePart : UpsertPart), write.Grain, write.StateName).With("$part", key);
            (payload is null ? command : command.With("$payload", payload)).ExecuteNonQuery();
        }

        return (true, SqliteEtag.Format(etag));
    }

    /// <summary>Runs in the writer's transaction. Returns whether the clear applied and, when not, the stored ETag.</summary>
    private static (bool Applied, string? StoredEtag) Clear(SqliteWriteScope scope, StateKey grain, string stateName, string? expectedEtag)
    {
        var stored = StoredEtag(scope, grain, stateName);
        if (stored != expectedEtag)
        {
            return (false, stored);
        }

        Bind(scope.Command(DeleteState), grain, stateName).ExecuteNonQuery();
        Bind(scope.Command(DeleteParts), grain, stateName).ExecuteNonQuery();
        scope.Command(DeleteGrainViews).With("$type", grain.GrainType).With("$key", grain.GrainKey).ExecuteNonQuery();
        scope.Command(DeleteJournal).With("$type", grain.GrainType).With("$key", grain.GrainKey).ExecuteNonQuery();
        return (true, null);
    }

    /// <summary>The rows that hold <paramref name="journal"/>: one row when the sequences rise (a run's always do), else
    /// a row each; payloads encoded for storage (<see cref="SqliteText"/>).</summary>
    private static List<JournalRow> JournalRows(IReadOnlyList<JournalEntry> journal)
    {
        if (journal.Count > 1 && SqliteJournalRows.Ascending(journal))
        {
            var (payload, entries) = SqliteJournalRows.Pack(journal);
            return [new JournalRow(journal[0].Sequence, SqliteText.Encode(payload), journal[^1].Sequence, entries)];
        }

        return [.. journal.Select(entry => new JournalRow(entry.Sequence, SqliteText.Encode(entry.Payload), null, null))];
    }

    private static void InsertJournalRows(SqliteWriteScope scope, StateKey grain, List<JournalRow> rows)
    {
        foreach (var row in rows)
        {
            scope.Command(InsertJournal)
                .With("$type", grain.GrainType).With("$key", grain.GrainKey).With("$seq", row.Sequence)
                .With("$payload", row.Payload).With("$last", row.LastSequence).With("$entries", row.Entries)
                .ExecuteNonQuery();
        }
    }

    /// <summary>Deletes the grain's entries below <paramref name="keepsFrom"/>; a row of several entries that holds some
    /// on either side is written again with those it keeps.</summary>
    private static void TrimJournalBefore(SqliteWriteScope scope, StateKey grain, long keepsFrom)
    {
        var kept = new List<JournalEntry>();
        using (var reader = scope.Command(SelectStraddlingJournal)
            .With("$type", grain.GrainType).With("$key", grain.GrainKey).With("$keepsFrom", keepsFrom)
            .ExecuteReader())
        {
            while (reader.Read())
            {
                SqliteJournalRows.Unpack(reader.GetInt64(0), SqliteText.Read(reader, 1), reader.GetNullableString(2), kept);
            }
        }

        scope.Command(TrimJournal).With("$type", grain.GrainType).With("$key", grain.GrainKey).With("$keepsFrom", keepsFrom).ExecuteNonQuery();
        kept.RemoveAll(entry => entry.Sequence < keepsFrom);
        InsertJournalRows(scope, grain, JournalRows(kept));
    }

    private static void ReplaceViews(SqliteWriteScope scope, StateKey grain, (ViewRow Row, object Payload)[] encoded)
    {
        foreach (var view in encoded.Select(row => row.Row.View).Distinct(StringComparer.Ordinal))
        {
            scope.Command(DeleteGrainView).With("$type", grain.GrainType).With("$key", grain.GrainKey).With("$view", view).ExecuteNonQuery();
        }

        foreach (var (row, payload) in encoded)
        {
            scope.Command(InsertViewRow)
                .With("$view", row.View).With("$type", grain.GrainType).With("$key", grain.GrainKey)
                .With("$key1", row.Key1).With("$key2", row.Key2)
                .With("$sortAt", row.SortAt.ToUnixTimeMilliseconds()).With("$payload", payload)
                .ExecuteNonQuery();
        }
    }

    private static string? StoredEtag(SqliteWriteScope scope, StateKey grain, string stateName) =>
        Bind(scope.Command(SelectEtag), grain, stateName).ExecuteScalar() is long etag ? SqliteEtag.Format(etag) : null;

    private static SqliteCommand Bind(SqliteCommand command, StateKey grain, string stateName) =>
        command.With("$type", grain.GrainType).With("$key", grain.GrainKey).With("$state", stateName);

    /// <summary>A write's payloads as they are bound: each a text or its compressed BLOB (<see cref="SqliteText"/>); a
    /// part's null deletes it.</summary>
    private sealed record EncodedRows(
        object Payload, List<JournalRow> Journal, (string Key, object? Payload)[] Parts, (ViewRow Row, object Payload)[] Views);

    /// <summary>One row of <c>grain_journal</c> as it is bound (see <see cref="SqliteJournalRows"/>).</summary>
    private sealed record JournalRow(long Sequence, object Payload, long? LastSequence, string? Entries);
}
