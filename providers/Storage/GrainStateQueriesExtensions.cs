using System.Runtime.CompilerServices;

namespace Orchestrator.Providers.Storage;

/// <summary>Conveniences over <see cref="IGrainStateQueries"/>.</summary>
public static class GrainStateQueriesExtensions
{
    /// <summary>How many times a page is read before a storage that does not answer fails the enumeration.</summary>
    private const int PageTries = 8;

    /// <summary>Every row of a view matching the keys, newest first, read page by page. A page the storage did not answer
    /// for (a database restarting, say) is read again after a back-off (0.1 s doubling, about 13 s in all) before the
    /// failure reaches the caller: start-up steps that page through views ride out a blip instead of failing the silo.</summary>
    public static async IAsyncEnumerable<ViewResultRow> ReadViewAsync(
        this IGrainStateQueries queries,
        string view,
        string? key1,
        string? key2,
        int pageSize = 500,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ViewCursor? cursor = null;
        do
        {
            var query = new ViewQuery(view, key1, key2, pageSize, cursor);
            var page = await StorageFailures.RetryWhileUnavailableAsync(
                () => queries.QueryViewAsync(query, cancellationToken), PageTries, TimeSpan.FromMilliseconds(100), cancellationToken);
            foreach (var row in page.Rows)
            {
                yield return row;
            }

            cursor = page.Next;
        }
        while (cursor is not null);
    }
}
