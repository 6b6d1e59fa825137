using System.Runtime.CompilerServices;

namespace Orchestrator.Providers.Storage;

/// <summary>Conveniences over <see cref="IGrainStateQueries"/>.</summary>
public static class GrainStateQueriesExtensions
{
    /// <summary>Every row of a view matching the keys, newest first, read page by page.</summary>
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
            var page = await queries.QueryViewAsync(new ViewQuery(view, key1, key2, pageSize, cursor), cancellationToken);
            foreach (var row in page.Rows)
            {
                yield return row;
            }

            cursor = page.Next;
        }
        while (cursor is not null);
    }
}
