using Orchestrator.Providers.Storage;

namespace Orchestrator.Providers.Sqlite;

/// <summary>Audit records in the <c>audit_log</c> table, written through the group-commit writer (durable before the
/// append returns) and read on the read connections.</summary>
internal sealed class SqliteAuditStore(SqliteDatabase database) : IAuditStore
{
    private const string Insert = "INSERT OR IGNORE INTO audit_log (at, id, payload) VALUES ($at, $id, $payload)";
    private const string SelectPage =
        "SELECT at, id, payload FROM audit_log WHERE at <= $afterAt AND (at < $afterAt OR id < $afterId) ORDER BY at DESC, id DESC LIMIT $limit";

    /// <inheritdoc/>
    public Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return database.WriteAsync(scope => scope.Command(Insert)
            .With("$at", record.At.ToUnixTimeMilliseconds())
            .With("$id", record.Id)
            .With("$payload", record.Payload)
            .ExecuteNonQuery(), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<AuditPage> ListAsync(int limit, ViewCursor? after, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return database.ReadAsync(scope =>
        {
            // Without a cursor the first page starts after every record.
            var command = scope.Command(SelectPage)
                .With("$afterAt", after?.SortAt.ToUnixTimeMilliseconds() ?? long.MaxValue)
                .With("$afterId", after?.GrainKey ?? "")
                .With("$limit", limit + 1);
            using var reader = command.ExecuteReader();
            var records = new List<AuditRecord>(limit + 1);
            while (reader.Read())
            {
                records.Add(new AuditRecord(reader.GetString(1), reader.GetUnixMilliseconds(0), reader.GetString(2)));
            }

            return AuditPage.Of(records, limit);
        }, cancellationToken);
    }
}
