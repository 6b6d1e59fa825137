using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Orchestrator.Providers.Sqlite;

/// <summary>Orleans' reminder table in SQLite; changes go through the group-commit writer, so a reminder is durable
/// before its registration returns.</summary>
internal sealed class SqliteReminderTable(SqliteDatabase database) : IReminderTable
{
    private const string Columns = "SELECT grain_id, name, start_at, period_ms, etag FROM grain_reminders";
    private const string SelectByGrain = Columns + " WHERE grain_id = $id";
    private const string SelectOne = Columns + " WHERE grain_id = $id AND name = $name";
    private const string SelectInRange = Columns + " WHERE grain_hash > $begin AND grain_hash <= $end";
    private const string SelectOutsideRange = Columns + " WHERE grain_hash > $begin OR grain_hash <= $end";
    private const string Upsert = """
        INSERT INTO grain_reminders (grain_id, grain_hash, name, start_at, period_ms, etag)
        VALUES ($id, $hash, $name, $startAt, $periodMs, $etag)
        ON CONFLICT (grain_id, name) DO UPDATE SET
            start_at = excluded.start_at, period_ms = excluded.period_ms, etag = excluded.etag
        """;
    private const string DeleteIfEtag = "DELETE FROM grain_reminders WHERE grain_id = $id AND name = $name AND etag = $expected";
    private const string DeleteAll = "DELETE FROM grain_reminders";

    /// <inheritdoc/>
    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        database.ReadAsync(scope =>
        {
            var command = scope.Command(SelectByGrain).With("$id", grainId.ToString());
            return new ReminderTableData(ReadEntries(command));
        }, CancellationToken.None);

    /// <inheritdoc/>
    /// <remarks>The range is the ring's arc (begin, end]; when begin is not below end it wraps past the top.</remarks>
    public Task<ReminderTableData> ReadRows(uint begin, uint end) =>
        database.ReadAsync(scope =>
        {
            var command = scope.Command(begin < end ? SelectInRange : SelectOutsideRange)
                .With("$begin", (long)begin).With("$end", (long)end);
            return new ReminderTableData(ReadEntries(command));
        }, CancellationToken.None);

    /// <inheritdoc/>
    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) =>
        database.ReadAsync(scope =>
        {
            var command = scope.Command(SelectOne).With("$id", grainId.ToString()).With("$name", reminderName);
            return ReadEntries(command).FirstOrDefault();
        }, CancellationToken.None);

    /// <inheritdoc/>
    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return await database.WriteAsync(scope =>
        {
            var etag = scope.NextEtag();
            scope.Command(Upsert)
                .With("$id", entry.GrainId.ToString())
                .With("$hash", (long)entry.GrainId.GetUniformHashCode())
                .With("$name", entry.ReminderName)
                .With("$startAt", new DateTimeOffset(DateTime.SpecifyKind(entry.StartAt, DateTimeKind.Utc)).ToUnixTimeMilliseconds())
                .With("$periodMs", (long)entry.Period.TotalMilliseconds)
                .With("$etag", etag)
                .ExecuteNonQuery();
            return SqliteEtag.Format(etag);
        }, CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        if (!SqliteEtag.TryParse(eTag, out var expected))
        {
            return false;
        }

        return await database.WriteAsync(scope =>
            scope.Command(DeleteIfEtag)
                .With("$id", grainId.ToString()).With("$name", reminderName).With("$expected", expected)
                .ExecuteNonQuery() == 1, CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task TestOnlyClearTable() =>
        database.WriteAsync(scope => scope.Command(DeleteAll).ExecuteNonQuery(), CancellationToken.None);

    private static List<ReminderEntry> ReadEntries(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var entries = new List<ReminderEntry>();
        while (reader.Read())
        {
            entries.Add(new ReminderEntry
            {
                GrainId = GrainId.Parse(reader.GetString(0), CultureInfo.InvariantCulture),
                ReminderName = reader.GetString(1),
                StartAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)).UtcDateTime,
                Period = TimeSpan.FromMilliseconds(reader.GetInt64(3)),
                ETag = SqliteEtag.Format(reader.GetInt64(4)),
            });
        }

        return entries;
    }
}
