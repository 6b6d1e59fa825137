using Orchestrator.Providers.Storage;

namespace Orchestrator.Providers.Memory;

/// <summary>Audit records in process memory, kept newest first.</summary>
internal sealed class MemoryAuditStore : IAuditStore
{
    private readonly Lock _lock = new();
    private readonly SortedSet<AuditRecord> _records = new(Comparer<AuditRecord>.Create(NewestFirst));

    /// <inheritdoc/>
    public Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _records.Add(record with { At = UnixMilliseconds.Truncate(record.At) });
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<AuditPage> ListAsync(int limit, ViewCursor? after, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var cursor = after is null ? null : new AuditRecord(after.GrainKey, UnixMilliseconds.Truncate(after.SortAt), "");
        List<AuditRecord> records;
        lock (_lock)
        {
            records = [.. _records.Where(record => cursor is null || NewestFirst(record, cursor) > 0).Take(limit + 1)];
        }

        return Task.FromResult(AuditPage.Of(records, limit));
    }

    private static int NewestFirst(AuditRecord? x, AuditRecord? y)
    {
        var byTime = y!.At.CompareTo(x!.At);
        return byTime != 0 ? byTime : string.CompareOrdinal(y.Id, x.Id);
    }
}
