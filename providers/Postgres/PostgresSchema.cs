using Microsoft.Extensions.Logging;
using Npgsql;

namespace Orchestrator.Providers.Postgres;

/// <summary>Creates and migrates the PostgreSQL schema. Each migration is applied once, in order, and recorded in
/// <c>schema_version</c>; a later version appends a step to <see cref="Migrations"/> and never edits an old one. The
/// whole migration runs in one transaction that first takes a transaction-scoped advisory lock, so silos starting at
/// once on an empty database wait for each other and the first one alone applies the steps.</summary>
/// <remarks>Text keys are compared byte-wise (<c>COLLATE "C"</c>): listings page in the same order whatever the
/// database's locale. Times are <c>timestamptz</c>.</remarks>
internal static class PostgresSchema
{
    /// <summary>The advisory lock key held while migrating ("orchestr" in ASCII).</summary>
    public const long MigrationLock = 0x6F72636865737472;

    private const string Version1 = """
        CREATE SEQUENCE etags AS bigint;

        CREATE TABLE grain_state (
            grain_type text COLLATE "C" NOT NULL,
            grain_key text COLLATE "C" NOT NULL,
            state_name text COLLATE "C" NOT NULL,
            payload text NOT NULL,
            etag bigint NOT NULL,
            updated_at timestamptz NOT NULL,
            PRIMARY KEY (grain_type, grain_key, state_name));

        CREATE TABLE view_rows (
            view_name text COLLATE "C" NOT NULL,
            grain_type text COLLATE "C" NOT NULL,
            grain_key text COLLATE "C" NOT NULL,
            key1 text COLLATE "C" NOT NULL,
            key2 text COLLATE "C" NOT NULL,
            sort_at timestamptz NOT NULL,
            payload text NOT NULL);
        CREATE INDEX view_rows_by_keys ON view_rows (view_name, key1, key2, sort_at DESC, grain_key DESC);
        CREATE INDEX view_rows_by_key1 ON view_rows (view_name, key1, sort_at DESC, grain_key DESC);
        CREATE INDEX view_rows_by_key2 ON view_rows (view_name, key2, sort_at DESC, grain_key DESC);
        CREATE INDEX view_rows_by_time ON view_rows (view_name, sort_at DESC, grain_key DESC);
        CREATE INDEX view_rows_by_grain ON view_rows (grain_type, grain_key, view_name);

        CREATE TABLE grain_journal (
            grain_type text COLLATE "C" NOT NULL,
            grain_key text COLLATE "C" NOT NULL,
            seq bigint NOT NULL,
            payload text NOT NULL,
            PRIMARY KEY (grain_type, grain_key, seq));

        CREATE TABLE grain_reminders (
            grain_id text COLLATE "C" NOT NULL,
            grain_hash integer NOT NULL,
            reminder_name text COLLATE "C" NOT NULL,
            start_at timestamptz NOT NULL,
            period_ms bigint NOT NULL,
            etag bigint NOT NULL,
            PRIMARY KEY (grain_id, reminder_name));
        CREATE INDEX grain_reminders_by_hash ON grain_reminders (grain_hash);

        CREATE TABLE stream_heads (
            stream_namespace text COLLATE "C" NOT NULL,
            stream_key text COLLATE "C" NOT NULL,
            last_seq bigint NOT NULL,
            dead_lettered bigint NOT NULL,
            PRIMARY KEY (stream_namespace, stream_key));

        CREATE TABLE stream_items (
            stream_namespace text COLLATE "C" NOT NULL,
            stream_key text COLLATE "C" NOT NULL,
            seq bigint NOT NULL,
            payload text NOT NULL,
            enqueued_at timestamptz NOT NULL,
            PRIMARY KEY (stream_namespace, stream_key, seq));

        CREATE TABLE stream_consumers (
            stream_namespace text COLLATE "C" NOT NULL,
            stream_key text COLLATE "C" NOT NULL,
            consumer text COLLATE "C" NOT NULL,
            consumer_offset bigint NOT NULL,
            failures integer NOT NULL,
            last_error text,
            PRIMARY KEY (stream_namespace, stream_key, consumer));

        CREATE TABLE dead_letters (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            stream_namespace text COLLATE "C" NOT NULL,
            stream_key text COLLATE "C" NOT NULL,
            consumer text COLLATE "C" NOT NULL,
            seq bigint NOT NULL,
            payload text NOT NULL,
            enqueued_at timestamptz NOT NULL,
            error text NOT NULL,
            attempts integer NOT NULL,
            dead_lettered_at timestamptz NOT NULL);
        CREATE INDEX dead_letters_by_stream ON dead_letters (stream_namespace, stream_key, id);
        """;

    /// <summary>Parts of grain states kept in rows of their own (a run's forEach elements, a chunk a row), so that a write
    /// carries only the chunks that changed.</summary>
    private const string Version3 = """
        CREATE TABLE grain_state_parts (
            grain_type text COLLATE "C" NOT NULL,
            grain_key text COLLATE "C" NOT NULL,
            state_name text COLLATE "C" NOT NULL,
            part text COLLATE "C" NOT NULL,
            payload text NOT NULL,
            PRIMARY KEY (grain_type, grain_key, state_name, part));
        """;

    /// <summary>The audit log in a table of its own (its primary key is the order it is listed in), instead of a grain
    /// state and a view row per record; the records written before move over.</summary>
    private const string Version4 = """
        CREATE TABLE audit_log (
            at timestamptz NOT NULL,
            id text COLLATE "C" NOT NULL,
            payload text NOT NULL,
            PRIMARY KEY (at, id));
        INSERT INTO audit_log (at, id, payload)
            SELECT sort_at, grain_key, payload FROM view_rows WHERE view_name = 'audit' AND grain_type = 'audit'
            ON CONFLICT DO NOTHING;
        DELETE FROM view_rows WHERE view_name = 'audit' AND grain_type = 'audit';
        DELETE FROM grain_state WHERE grain_type = 'audit';
        """;

    /// <summary>Migration steps; step i brings the schema to version i + 1. Version 2 adds cluster membership
    /// (<see cref="PostgresMembershipSchema"/>), version 3 the parts of grain states, version 4 the audit log's table.</summary>
    private static readonly string[] Migrations = [Version1, PostgresMembershipSchema.Version2, Version3, Version4];

    /// <summary>The schema version this build creates.</summary>
    public static int LatestVersion => Migrations.Length;

    /// <summary>Applies the missing migrations in one transaction under the migration lock; returns the schema version.</summary>
    public static Task<int> MigrateAsync(NpgsqlConnection connection, TimeProvider clock, ILogger logger, CancellationToken cancellationToken) =>
        MigrateAsync(connection, clock, logger, Migrations.Length, cancellationToken);

    /// <summary>Applies the missing migrations up to <paramref name="targetVersion"/> (tests build older databases with it).</summary>
    internal static async Task<int> MigrateAsync(NpgsqlConnection connection, TimeProvider clock, ILogger logger, int targetVersion, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@lock)", cancellationToken, ("lock", MigrationLock)).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction,
            "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL)",
            cancellationToken).ConfigureAwait(false);

        int current;
        await using (var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version", connection, transaction))
        {
            current = (int)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        if (current > Migrations.Length)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL database is at schema version {current}, newer than this build knows ({Migrations.Length}); use a newer build.");
        }

        for (var version = current + 1; version <= targetVersion; version++)
        {
            await ExecuteAsync(connection, transaction, Migrations[version - 1], cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "INSERT INTO schema_version (version, applied_at) VALUES (@version, @at)",
                cancellationToken, ("version", version), ("at", clock.GetUtcNow())).ConfigureAwait(false);
            PostgresStorageLog.Migrated(logger, version);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return Math.Max(current, targetVersion);
    }

    private static async Task ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
