using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Runtime.Storage.Sqlite;

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

    /// <summary>Migration steps; step i brings the schema to version i + 1.</summary>
    private static readonly string[] Migrations = [Version1];

    /// <summary>Applies the missing migrations in one transaction; returns the schema version.</summary>
    public static int Migrate(SqliteConnection connection, TimeProvider clock, ILogger logger)
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

        for (var version = current + 1; version <= Migrations.Length; version++)
        {
            using (var step = connection.Command(Migrations[version - 1], transaction))
            {
                step.ExecuteNonQuery();
            }

            using (var record = connection.Command("INSERT INTO schema_version (version, applied_at) VALUES ($version, $at)", transaction))
            {
                record.With("$version", version).With("$at", clock.GetUtcNow().ToUnixTimeMilliseconds()).ExecuteNonQuery();
            }

            SqliteStorageLog.Migrated(logger, version);
        }

        transaction.Commit();
        return Migrations.Length;
    }
}
