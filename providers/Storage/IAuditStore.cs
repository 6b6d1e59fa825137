namespace Orchestrator.Providers.Storage;

/// <summary>The audit log's records: each written once under its id and never changed, listed newest first. They have a
/// table of their own, one index deep, rather than grain states with view rows: a mutating request waits for its
/// record's commit, so the record should cost its commit as little as it can.</summary>
public interface IAuditStore
{
    /// <summary>Stores <paramref name="record"/> durably. Storing a record whose id and time are stored already changes
    /// nothing, so a write tried again after its answer was lost is stored once.</summary>
    Task AppendAsync(AuditRecord record, CancellationToken cancellationToken);

    /// <summary>A page of records, newest first (by time, then by id, both descending), starting after
    /// <paramref name="after"/> when given (its <see cref="ViewCursor.GrainKey"/> is a record's id).</summary>
    Task<AuditPage> ListAsync(int limit, ViewCursor? after, CancellationToken cancellationToken);
}

/// <summary>One audit record as stored: its id, its time (kept to the millisecond) and its text.</summary>
public sealed record AuditRecord(string Id, DateTimeOffset At, string Payload);

/// <summary>One page of audit records; <see cref="Next"/> is null on the last page.</summary>
public sealed record AuditPage(IReadOnlyList<AuditRecord> Records, ViewCursor? Next)
{
    /// <summary>The page of <paramref name="limit"/> records from <paramref name="fetched"/>, read one past the limit:
    /// when that one came, the page is cut to the limit and its cursor points after its last record.</summary>
    public static AuditPage Of(List<AuditRecord> fetched, int limit)
    {
        ArgumentNullException.ThrowIfNull(fetched);
        if (fetched.Count <= limit)
        {
            return new AuditPage(fetched, null);
        }

        fetched.RemoveRange(limit, fetched.Count - limit);
        return new AuditPage(fetched, new ViewCursor(fetched[^1].At, fetched[^1].Id));
    }
}
