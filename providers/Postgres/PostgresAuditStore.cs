using Npgsql;
using NpgsqlTypes;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Providers.Postgres;

/// <summary>Audit records in the <c>audit_log</c> table, written through the group-commit writer (durable before the
/// append returns).</summary>
internal sealed class PostgresAuditStore(PostgresDatabase database) : IAuditStore
{
    /// <summary>Every statement of the writer's batch returns a result set (its first column of its first row is the
    /// write's result): this one returns one row when it inserted, none when the record was stored already.</summary>
    private const string Insert = "INSERT INTO audit_log (at, id, payload) VALUES (@at, @id, @payload) ON CONFLICT DO NOTHING RETURNING 1";
    private const string SelectPage =
        "SELECT at, id, payload FROM audit_log WHERE (at, id) < (COALESCE(@after_at, 'infinity'::timestamptz), @after_id) ORDER BY at DESC, id DESC LIMIT @limit";

    /// <inheritdoc/>
    public Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return database.WriteAsync("audit/" + record.Id, () => new NpgsqlBatchCommand(Insert)
            .WithTime("at", record.At)
            .WithText("id", record.Id)
            .WithText("payload", record.Payload), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<AuditPage> ListAsync(int limit, ViewCursor? after, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        // Without a cursor the first page starts after every record: at infinity.
        await using var command = database.Command(SelectPage)
            .With("after_at", NpgsqlDbType.TimestampTz, after?.SortAt.ToUniversalTime())
            .WithText("after_id", after?.GrainKey ?? "")
            .WithBigint("limit", limit + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<AuditRecord>(limit + 1);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(new AuditRecord(reader.GetString(1), reader.GetTime(0), reader.GetString(2)));
        }

        return AuditPage.Of(records, limit);
    }
}
