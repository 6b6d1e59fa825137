using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Orchestrator.Providers.Postgres;

/// <summary>Orleans' reminder table in PostgreSQL. Each change is a single statement that goes through the
/// group-commit writer with the grain-state writes (durable before it returns); ETags come from the database's
/// sequence, so silos sharing the table never hand out the same one. Grains are found on the ring by their hash stored
/// as a signed 32-bit integer (see <see cref="RingArc"/>).</summary>
internal sealed class PostgresReminderTable(PostgresDatabase database) : IReminderTable
{
    private const string Columns = "SELECT grain_id, reminder_name, start_at, period_ms, etag FROM grain_reminders";
    private const string SelectByGrain = Columns + " WHERE grain_id = @id";
    private const string SelectOne = Columns + " WHERE grain_id = @id AND reminder_name = @name";

    /// <summary>An arc is at most three ranges of stored hashes; unused ranges are empty (low above high).</summary>
    private const string SelectOnArc = Columns + """
         WHERE grain_hash BETWEEN @low0 AND @high0 OR grain_hash BETWEEN @low1 AND @high1 OR grain_hash BETWEEN @low2 AND @high2
        """;
    private const string Upsert = """
        INSERT INTO grain_reminders (grain_id, grain_hash, reminder_name, start_at, period_ms, etag)
        VALUES (@id, @hash, @name, @start_at, @period_ms, nextval('etags'))
        ON CONFLICT (grain_id, reminder_name) DO UPDATE SET
            grain_hash = excluded.grain_hash, start_at = excluded.start_at, period_ms = excluded.period_ms, etag = excluded.etag
        RETURNING etag
        """;
    private const string DeleteIfEtag =
        "DELETE FROM grain_reminders WHERE grain_id = @id AND reminder_name = @name AND etag = @expected RETURNING 1";
    private const string DeleteAll = "DELETE FROM grain_reminders";

    /// <inheritdoc/>
    public async Task<ReminderTableData> ReadRows(GrainId grainId)
    {
        await using var command = database.Command(SelectByGrain).WithText("id", grainId.ToString());
        return new ReminderTableData(await ReadEntriesAsync(command).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    /// <remarks>The range is the ring's arc (begin, end]; when begin is not below end it wraps past the top.</remarks>
    public async Task<ReminderTableData> ReadRows(uint begin, uint end)
    {
        await using var command = database.Command(SelectOnArc);
        var ranges = RingArc.ToStoredRanges(begin, end);
        for (var i = 0; i < 3; i++)
        {
            var (low, high) = i < ranges.Count ? ranges[i] : (1, 0);
            command.With($"low{i}", NpgsqlDbType.Integer, low).With($"high{i}", NpgsqlDbType.Integer, high);
        }

        return new ReminderTableData(await ReadEntriesAsync(command).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        await using var command = database.Command(SelectOne).WithText("id", grainId.ToString()).WithText("name", reminderName);
        return (await ReadEntriesAsync(command).ConfigureAwait(false)).FirstOrDefault();
    }

    /// <inheritdoc/>
    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var startAt = entry.StartAt.Kind == DateTimeKind.Local ? entry.StartAt.ToUniversalTime() : DateTime.SpecifyKind(entry.StartAt, DateTimeKind.Utc);
        var grainId = entry.GrainId.ToString();
        var etag = await database.WriteAsync(OrderKey(grainId, entry.ReminderName), () => new NpgsqlBatchCommand(Upsert)
            .WithText("id", grainId)
            .With("hash", NpgsqlDbType.Integer, RingArc.ToStored(entry.GrainId.GetUniformHashCode()))
            .WithText("name", entry.ReminderName)
            .With("start_at", NpgsqlDbType.TimestampTz, startAt)
            .WithBigint("period_ms", (long)entry.Period.TotalMilliseconds), CancellationToken.None).ConfigureAwait(false);
        return PostgresParameters.FormatEtag(etag ?? throw new InvalidOperationException($"Writing reminder {entry.ReminderName} of {grainId} returned no ETag."));
    }

    /// <inheritdoc/>
    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        if (!PostgresParameters.TryParseEtag(eTag, out var expected))
        {
            return false;
        }

        var id = grainId.ToString();
        var deleted = await database.WriteAsync(OrderKey(id, reminderName), () => new NpgsqlBatchCommand(DeleteIfEtag)
            .WithText("id", id).WithText("name", reminderName).WithBigint("expected", expected), CancellationToken.None).ConfigureAwait(false);
        return deleted is not null;
    }

    /// <summary>The row a change locks, for the writer's lock order.</summary>
    private static string OrderKey(string grainId, string reminderName) => $"reminder/{grainId}/{reminderName}";

    /// <inheritdoc/>
    public async Task TestOnlyClearTable()
    {
        await using var command = database.Command(DeleteAll);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private static async Task<List<ReminderEntry>> ReadEntriesAsync(NpgsqlCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var entries = new List<ReminderEntry>();
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            entries.Add(new ReminderEntry
            {
                GrainId = GrainId.Parse(reader.GetString(0), CultureInfo.InvariantCulture),
                ReminderName = reader.GetString(1),
                StartAt = reader.GetFieldValue<DateTime>(2),
                Period = TimeSpan.FromMilliseconds(reader.GetInt64(3)),
                ETag = PostgresParameters.FormatEtag(reader.GetInt64(4)),
            });
        }

        return entries;
    }
}
