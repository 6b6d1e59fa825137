using Microsoft.Data.Sqlite;
using Orchestrator.Runtime.Reminders;

namespace Orchestrator.Runtime.Storage.Sqlite;

/// <summary>Reminders in SQLite; changes go through the group-commit writer.</summary>
internal sealed class SqliteReminderTable(SqliteDatabase database) : IReminderTable
{
    private const string ReminderMatch = "grain_type = $type AND grain_key = $key AND name = $name";
    private const string SelectReminders = "SELECT grain_type, grain_key, name, first_due_at, due_at, period_ms, etag FROM reminders";
    private const string ReminderOrder = " ORDER BY due_at, grain_type, grain_key, name";
    private const string SelectAll = SelectReminders + ReminderOrder;
    private const string SelectByGrain = SelectReminders + " WHERE grain_type = $type AND grain_key = $key" + ReminderOrder;
    private const string SelectOne = SelectReminders + " WHERE " + ReminderMatch;
    private const string Upsert = """
        INSERT INTO reminders (grain_type, grain_key, name, first_due_at, due_at, period_ms, etag)
        VALUES ($type, $key, $name, $firstDueAt, $dueAt, $periodMs, $etag)
        ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET
            first_due_at = excluded.first_due_at, due_at = excluded.due_at, period_ms = excluded.period_ms, etag = excluded.etag
        """;
    private const string UpdateDue = "UPDATE reminders SET due_at = $dueAt, etag = $etag WHERE " + ReminderMatch + " AND etag = $expected";
    private const string Delete = "DELETE FROM reminders WHERE " + ReminderMatch;
    private const string DeleteIfEtag = Delete + " AND etag = $expected";

    /// <inheritdoc/>
    public Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ReminderEntry>>(connection =>
        {
            using var command = connection.Command(SelectAll);
            return ReadEntries(command);
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<ReminderEntry>> ReadAsync(GrainId grainId, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ReminderEntry>>(connection =>
        {
            using var command = connection.Command(SelectByGrain).With("$type", grainId.Type).With("$key", grainId.Key);
            return ReadEntries(command);
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<ReminderEntry?> ReadAsync(GrainId grainId, string name, CancellationToken cancellationToken) =>
        database.ReadAsync(connection =>
        {
            using var command = Bind(connection.Command(SelectOne), grainId, name);
            return ReadEntries(command).FirstOrDefault();
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<string> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return database.WriteAsync(scope =>
        {
            var etag = scope.NextEtag();
            Bind(scope.Command(Upsert), entry.GrainId, entry.Name)
                .With("$firstDueAt", entry.FirstDueAt.ToUnixTimeMilliseconds())
                .With("$dueAt", entry.DueAt.ToUnixTimeMilliseconds())
                .With("$periodMs", (long)entry.Period.TotalMilliseconds)
                .With("$etag", etag)
                .ExecuteNonQuery();
            return SqliteEtag.Format(etag);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<string?> UpdateDueAsync(GrainId grainId, string name, DateTimeOffset dueAt, string expectedEtag, CancellationToken cancellationToken)
    {
        if (!SqliteEtag.TryParse(expectedEtag, out var expected))
        {
            return Task.FromResult<string?>(null);
        }

        return database.WriteAsync(scope =>
        {
            var etag = scope.NextEtag();
            var changed = Bind(scope.Command(UpdateDue), grainId, name)
                .With("$dueAt", dueAt.ToUnixTimeMilliseconds())
                .With("$etag", etag)
                .With("$expected", expected)
                .ExecuteNonQuery();
            return changed == 1 ? SqliteEtag.Format(etag) : null;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> RemoveAsync(GrainId grainId, string name, string? expectedEtag, CancellationToken cancellationToken)
    {
        long expected = 0;
        if (expectedEtag is not null && !SqliteEtag.TryParse(expectedEtag, out expected))
        {
            return Task.FromResult(false);
        }

        return database.WriteAsync(scope =>
        {
            var command = expectedEtag is null
                ? Bind(scope.Command(Delete), grainId, name)
                : Bind(scope.Command(DeleteIfEtag), grainId, name).With("$expected", expected);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    private static List<ReminderEntry> ReadEntries(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var entries = new List<ReminderEntry>();
        while (reader.Read())
        {
            entries.Add(new ReminderEntry(
                new GrainId(reader.GetString(0), reader.GetString(1)),
                reader.GetString(2),
                reader.GetUnixMilliseconds(3),
                reader.GetUnixMilliseconds(4),
                TimeSpan.FromMilliseconds(reader.GetInt64(5)),
                SqliteEtag.Format(reader.GetInt64(6))));
        }

        return entries;
    }

    private static SqliteCommand Bind(SqliteCommand command, GrainId grainId, string name) =>
        command.With("$type", grainId.Type).With("$key", grainId.Key).With("$name", name);
}
