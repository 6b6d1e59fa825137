using System.Runtime.CompilerServices;

namespace Orchestrator.Runtime.Storage;

/// <summary>Conveniences over <see cref="IGrainStorage"/>.</summary>
public static class GrainStorageExtensions
{
    /// <summary>Every row of a view matching the keys, newest first, read page by page.</summary>
    public static async IAsyncEnumerable<ViewResultRow> ReadViewAsync(
        this IGrainStorage storage,
        string view,
        string? key1,
        string? key2,
        int pageSize = 500,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ViewCursor? cursor = null;
        do
        {
            var page = await storage.QueryViewAsync(new ViewQuery(view, key1, key2, pageSize, cursor), cancellationToken);
            foreach (var row in page.Rows)
            {
                yield return row;
            }

            cursor = page.Next;
        }
        while (cursor is not null);
    }
}
