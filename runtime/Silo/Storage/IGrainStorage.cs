namespace Orchestrator.Runtime.Storage;

/// <summary>Stores grain states. Writes are conditional on the ETag and complete only once durable; a backend may
/// commit writes that arrive together in one transaction.</summary>
public interface IGrainStorage
{
    /// <summary>Reads a state record, or null when none exists.</summary>
    Task<GrainStateRecord?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken);

    /// <summary>Writes a state record if the stored ETag equals <see cref="GrainStateWrite.ExpectedEtag"/> (or, when
    /// that is null, if no record exists). Returns the new ETag. Throws <see cref="InconsistentStateException"/>
    /// and writes nothing (state nor views) on a mismatch.</summary>
    Task<string> WriteAsync(GrainStateWrite write, CancellationToken cancellationToken);

    /// <summary>Deletes a state record, the grain's view rows and its journal, conditional on the ETag as for writes. Clearing a
    /// record that does not exist with a null ETag succeeds.</summary>
    Task ClearAsync(GrainId grainId, string stateName, string? expectedEtag, CancellationToken cancellationToken);

    /// <summary>Reads journal entries of a grain with sequence greater than <paramref name="afterSequence"/>, in order.</summary>
    Task<IReadOnlyList<JournalEntry>> ReadJournalAsync(GrainId grainId, long afterSequence, int maxCount, CancellationToken cancellationToken);

    /// <summary>Reads a page of a query view.</summary>
    Task<ViewPage> QueryViewAsync(ViewQuery query, CancellationToken cancellationToken);
}
