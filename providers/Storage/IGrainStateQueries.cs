namespace Orchestrator.Providers.Storage;

/// <summary>Reads what grain writes keep beside their states: journals and query views.</summary>
public interface IGrainStateQueries
{
    /// <summary>Reads journal entries of a grain with sequence greater than <paramref name="afterSequence"/>, in order.</summary>
    Task<IReadOnlyList<JournalEntry>> ReadJournalAsync(GrainId grainId, long afterSequence, int maxCount, CancellationToken cancellationToken);

    /// <summary>Reads a page of a query view.</summary>
    Task<ViewPage> QueryViewAsync(ViewQuery query, CancellationToken cancellationToken);

    /// <summary>Counts a view's rows by key2 and time slice (see <see cref="ViewCountQuery"/>).</summary>
    Task<IReadOnlyList<ViewCount>> CountViewAsync(ViewCountQuery query, CancellationToken cancellationToken);
}
