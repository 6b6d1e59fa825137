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
