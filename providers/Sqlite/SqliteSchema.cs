using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Providers.Sqlite;

/// <summary>Creates and migrates the SQLite schema. Each migration is applied once, in order, and recorded in
/// <c>schema_version</c>; a later version appends a step to <see cref="Migrations"/> and never edits an old one.
/// Times are stored as Unix milliseconds (UTC).</summary>
internal static class SqliteSchema
{
    private const string Version1 = """
        CREATE TABLE counters (
            name TEXT NOT NULL PRIMARY KEY,
            value INTEGER NOT NULL);
        INSERT INTO counters (name, value) VALUES ('etag', 0);

        CREATE TABLE grain_state (
            grain_type TEXT NOT NULL,
            grain_key TEXT NOT NULL,
            state_name TEXT NOT NULL,
            payload TEXT NOT NULL,
            etag INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (grain_type, grain_key, state_name));

        CREATE TABLE view_rows (
            view TEXT NOT NULL,
            grain_type TEXT NOT NULL,
            grain_key TEXT NOT NULL,
            key1 TEXT NOT NULL,
            key2 TEXT NOT NULL,
            sort_at INTEGER NOT NULL,
            payload TEXT NOT NULL);
        CREATE INDEX view_rows_by_keys ON view_rows (view, key1, key2, sort_at DESC, grain_key DESC);
        CREATE INDEX view_rows_by_key1 ON view_rows (view, key1, sort_at DESC, grain_key DESC);
        CREATE INDEX view_rows_by_key2 ON view_rows (view, key2, sort_at DESC, grain_key DESC);
        CREATE INDEX view_rows_by_time ON view_rows (view, sort_at DESC, grain_key DESC);
        CREATE INDEX view_rows_by_grain ON view_rows (grain_type, grain_key, view);

        CREATE TABLE grain_journal (
            grain_type TEXT NOT NULL,
            grain_key TEXT NOT NULL,
            seq INTEGER NOT NULL,
            payload TEXT NOT NULL,
            PRIMARY KEY (grain_type, grain_key, seq));

        CREATE TABLE reminders (
            grain_type TEXT NOT NULL,
            grain_key TEXT NOT NULL,
            name TEXT NOT NULL,
            first_due_at INTEGER NOT NULL,
            due_at INTEGER NOT NULL,
            period_ms INTEGER NOT NULL,
            etag INTEGER NOT NULL,
            PRIMARY KEY (grain_type, grain_key, name));
        CREATE INDEX reminders_by_due ON reminders (due_at);

        CREATE TABLE stream_heads (
            namespace TEXT NOT NULL,
            key TEXT NOT NULL,
            last_seq INTEGER NOT NULL,
            dead_lettered INTEGER NOT NULL,
            PRIMARY KEY (namespace, key));

        CREATE TABLE stream_items (
            namespace TEXT NOT NULL,
            key TEXT NOT NULL,
            seq INTEGER NOT NULL,
            payload TEXT NOT NULL,
            enqueued_at INTEGER NOT NULL,
            PRIMARY KEY (namespace, key, seq));

        CREATE TABLE stream_consumers (
            namespace TEXT NOT NULL,
            key TEXT NOT NULL,
            consumer TEXT NOT NULL,
            offset INTEGER NOT NULL,
            failures INTEGER NOT NULL,
            last_error TEXT,
            PRIMARY KEY (namespace, key, consumer));

        CREATE TABLE dead_letters (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            namespace TEXT NOT NULL,
            key TEXT NOT NULL,
            consumer TEXT NOT NULL,
            seq INTEGER NOT NULL,
            payload TEXT NOT NULL,
            enqueued_at INTEGER NOT NULL,
            error TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            dead_lettered_at INTEGER NOT NULL);
        CREATE INDEX dead_letters_by_stream ON dead_letters (namespace, key, id);
        """;

    /// <summary>Orleans' reminder table: a row per grain and reminder name, found by the grain's place on the hash ring.
    /// Rows of the first schema's own reminder table are carried over.</summary>
    private const string Version2 = """
        CREATE TABLE grain_reminders (
            grain_id TEXT NOT NULL,
            grain_hash INTEGER NOT NULL,
            name TEXT NOT NULL,
            start_at INTEGER NOT NULL,
            period_ms INTEGER NOT NULL,
            etag INTEGER NOT NULL,
            PRIMARY KEY (grain_id, name));
        CREATE INDEX grain_reminders_by_hash ON grain_reminders (grain_hash);
        """;

    /// <summary>Parts of grain states kept in rows of their own (a run's forEach elements, a chunk a row), so that a write
    /// carries only the chunks that changed.</summary>
    private const string Version3 = """
        CREATE TABLE grain_state_parts (
            grain_type TEXT NOT NULL,
            grain_key TEXT NOT NULL,
            state_name TEXT NOT NULL,
            part TEXT NOT NULL,
            payload TEXT NOT NULL,
            PRIMARY KEY (grain_type, grain_key, state_name, part));
        """;

    /// <summary>A write's journal entries in one row: <c>seq</c> is the first entry's sequence, <c>last_seq</c> the last
    /// one's, <c>payload</c> the entries' texts one after another and <c>entries</c> where each ends
    /// (<c>seq:end,seq:end,…</c>, ends counted in UTF-16 code units). Rows of one entry leave both null.</summary>
    private const string Version4 = """
        ALTER TABLE grain_journal ADD COLUMN last_seq INTEGER;
        ALTER TABLE grain_journal ADD COLUMN entries TEXT;
        """;

    /// <summary>The audit log in a table of its own (one B-tree, ordered as it is listed), instead of a grain state and a
    /// view row per record (two tables and five indexes); the records written before move over.</summary>
    private const string Version5 = """
        CREATE TABLE audit_log (
            at INTEGER NOT NULL,
            id TEXT NOT NULL,
            payload TEXT NOT NULL,
            PRIMARY KEY (at, id)) WITHOUT ROWID;
        INSERT OR IGNORE INTO audit_log (at, id, payload)
            SELECT sort_at, grain_key, payload FROM view_rows WHERE view = 'audit' AND grain_type = 'audit';
        DELETE FROM view_rows WHERE view = 'audit' AND grain_type = 'audit';
        DELETE FROM grain_state WHERE grain_type = 'audit';
        """;

    /// <summary>Two view indexes instead of four, in ascending order. A listing by key1 alone or by neither key merges
    /// the listings of each key2 value (a view's key2 takes a few values: a status), so the indexes by key1 alone and
    /// by time go; rows written with the newest time join the end of an index instead of its start, where SQLite's
    /// page splits leave the new rows room. In a closed loop of 20-task runs (about 20 writes a commit), the four
    /// indexes took 30 of a commit's 48 pages; the two take 10 of 29, and the writer is busy a fifth to a third less
    /// per commit.</summary>
    private const string Version6 = """
        DROP INDEX view_rows_by_keys;
        DROP INDEX view_rows_by_key1;
        DROP INDEX view_rows_by_key2;
        DROP INDEX view_rows_by_time;
        CREATE INDEX view_rows_by_keys ON view_rows (view, key1, key2, sort_at, grain_key);
        CREATE INDEX view_rows_by_key2 ON view_rows (view, key2, sort_at, grain_key);
        """;

    /// <summary>Migration steps; step i brings the schema to version i + 1.</summary>
    private static readonly Action<SqliteConnection, SqliteTransaction>[] Migrations =
    [
        (connection, transaction) => Execute(connection, transaction, Version1),
        (connection, transaction) =>
        {
            Execute(connection, transaction, Version2);
            CopyFirstReminders(connection, transaction);
        },
        (connection, transaction) => Execute(connection, transaction, Version3),
        (connection, transaction) => Execute(connection, transaction, Version4),
        (connection, transaction) => Execute(connection, transaction, Version5),
        (connection, transaction) => Execute(connection, transaction, Version6),
    ];

    /// <summary>Applies the missing migrations in one transaction; returns the schema version.</summary>
    public static int Migrate(SqliteConnection connection, TimeProvider clock, ILogger logger) =>
        Migrate(connection, clock, logger, Migrations.Length);

    /// <summary>Applies the missing migrations up to <paramref name="targetVersion"/> (tests build older databases with it).</summary>
    internal static int Migrate(SqliteConnection connection, TimeProvider clock, ILogger logger, int targetVersion)
    {
        using (var create = connection.Command(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL)"))
        {
            create.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction();
        int current;
        using (var read = connection.Command("SELECT COALESCE(MAX(version), 0) FROM schema_version", transaction))
        {
            current = Convert.ToInt32(read.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        if (current > Migrations.Length)
        {
            throw new InvalidOperationException(
                $"The SQLite database is at schema version {current}, newer than this build knows ({Migrations.Length}); use a newer build.");
        }

        for (var version = current + 1; version <= targetVersion; version++)
        {
            Migrations[version - 1](connection, transaction);
            using (var record = connection.Command("INSERT INTO schema_version (version, applied_at) VALUES ($version, $at)", transaction))
            {
                record.With("$version", version).With("$at", clock.GetUtcNow().ToUnixTimeMilliseconds()).ExecuteNonQuery();
            }

            SqliteStorageLog.Migrated(logger, version);
        }

        transaction.Commit();
        return Math.Max(current, targetVersion);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.Command(sql, transaction);
        command.ExecuteNonQuery();
    }

    /// <summary>The first schema kept reminders by grain type and key with their next due time; Orleans finds them by
    /// grain id and ring hash and counts ticks from their start.</summary>
    private static void CopyFirstReminders(SqliteConnection connection, SqliteTransaction transaction)
    {
        var rows = new List<(string Type, string Key, string Name, long DueAt, long PeriodMs, long Etag)>();
        using (var select = connection.Command("SELECT grain_type, grain_key, name, due_at, period_ms, etag FROM reminders", transaction))
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)));
            }
        }

        using var insert = connection.Command(
            "INSERT INTO grain_reminders (grain_id, grain_hash, name, start_at, period_ms, etag) VALUES ($id, $hash, $name, $startAt, $periodMs, $etag)",
            transaction);
        foreach (var row in rows)
        {
            var grainId = GrainId.Create(row.Type, row.Key);
            insert.Parameters.Clear();
            insert.With("$id", grainId.ToString()).With("$hash", (long)grainId.GetUniformHashCode()).With("$name", row.Name)
                .With("$startAt", row.DueAt).With("$periodMs", row.PeriodMs).With("$etag", row.Etag)
                .ExecuteNonQuery();
        }

        Execute(connection, transaction, "DROP TABLE reminders");
    }
}
