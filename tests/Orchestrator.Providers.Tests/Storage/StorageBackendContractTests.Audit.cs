using Orchestrator.Providers.Storage;

namespace Orchestrator.Providers.Tests.Storage;

public abstract partial class StorageBackendContractTests
{
    [Fact]
    public async Task AuditListAsync_PagesNewestFirst_ByTimeThenId_AcrossRecordsOfOneMillisecond()
    {
        // Three records share one millisecond; they page by id, descending, without one lost or repeated at a page's edge.
        var records = new[]
        {
            new AuditRecord("a1", T0, "{\"n\":1}"),
            new AuditRecord("b2", T0.AddMilliseconds(1), "{\"n\":2}"),
            new AuditRecord("c3", T0.AddMilliseconds(1), "{\"n\":3}"),
            new AuditRecord("d4", T0.AddMilliseconds(1), "{\"n\":4}"),
            new AuditRecord("a5", T0.AddMilliseconds(2), "{\"n\":5}"),
        };
        foreach (var record in records.Reverse())
        {
            await Backend.Audit.AppendAsync(record, Ct);
        }

        var listed = new List<AuditRecord>();
        ViewCursor? cursor = null;
        var pages = 0;
        do
        {
            var page = await Backend.Audit.ListAsync(2, cursor, Ct);
            Assert.True(page.Records.Count <= 2);
            listed.AddRange(page.Records);
            cursor = page.Next;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(["a5", "d4", "c3", "b2", "a1"], listed.Select(record => record.Id));
        Assert.Equal(3, pages);
        Assert.Equal(records.OrderByDescending(r => r.At).ThenByDescending(r => r.Id, StringComparer.Ordinal), listed);
    }

    /// <summary>After a migration from a schema that kept audit records as grain states with rows of the 'audit' view
    /// (records 'older' and 'newer', at the times given, payloads <c>{"id":…}</c>, beside a run 'r1' in the 'runs' view):
    /// the records are listed from their table, the old rows are gone, and the run's are as they were.</summary>
    protected static async Task AssertAuditRecordsMovedAsync(IStorageBackend migrated, DateTimeOffset olderAt, DateTimeOffset newerAt)
    {
        var page = await migrated.Audit.ListAsync(10, null, Ct);
        Assert.Equal([new AuditRecord("newer", newerAt, "{\"id\":\"newer\"}"), new AuditRecord("older", olderAt, "{\"id\":\"older\"}")], page.Records);
        Assert.Empty((await migrated.Queries.QueryViewAsync(new ViewQuery("audit", null, null, 10), Ct)).Rows);
        var oldState = new GrainState<ContractState>(new ContractState());
        await migrated.Grains.ReadStateAsync("audit", GrainId.Create("audit", "older"), oldState);
        Assert.False(oldState.RecordExists);
        Assert.Equal("r1", Assert.Single((await migrated.Queries.QueryViewAsync(new ViewQuery("runs", null, null, 10), Ct)).Rows).GrainKey);
    }

    [Fact]
    public async Task AuditAppendAsync_StoresOnce_WhenTheSameRecordIsAppendedAgain_AndKeepsItAcrossAReopen()
    {
        var record = new AuditRecord("0199-retried", T0.AddMilliseconds(7), "{\"status\":202}");
        await Backend.Audit.AppendAsync(record, Ct);
        // A try whose answer was lost, then the retry.
        await Backend.Audit.AppendAsync(record, Ct);

        await ReopenBackendAsync();
        var page = await Backend.Audit.ListAsync(10, null, Ct);
        Assert.Equal([record], page.Records);
        Assert.Null(page.Next);
    }
}
