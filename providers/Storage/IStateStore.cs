namespace Orchestrator.Providers.Storage;

/// <summary>What a backend stores for grain states: records with ETags, the journal and view rows written with them.
/// Writes are conditional on the ETag and complete only once durable; a backend may commit writes that arrive together
/// in one transaction.</summary>
internal interface IStateStore
{
    /// <summary>Reads a state record, or null when none exists.</summary>
    Task<StoredState?> ReadAsync(StateKey grain, string stateName, CancellationToken cancellationToken);

    /// <summary>Reads the parts stored with a state record (<see cref="IPartedState"/>); empty when it has none.</summary>
    Task<IReadOnlyList<StatePart>> ReadPartsAsync(StateKey grain, string stateName, CancellationToken cancellationToken);

    /// <summary>Writes a state record if the stored ETag equals <see cref="StateWrite.ExpectedEtag"/> (or, when that is
    /// null, if no record exists). Returns the new ETag. Throws <see cref="Orleans.Storage.InconsistentStateException"/>
    /// and writes nothing (state, views nor journal) on a mismatch.</summary>
    Task<string> WriteAsync(StateWrite write, CancellationToken cancellationToken);

    /// <summary>Deletes a state record and its parts, the grain's view rows and its journal, conditional on the ETag as for writes.
    /// Clearing a record that does not exist with a null ETag succeeds.</summary>
    Task ClearAsync(StateKey grain, string stateName, string? expectedEtag, CancellationToken cancellationToken);

    /// <summary>Reads journal entries of a grain with sequence greater than <paramref name="afterSequence"/>, in order.</summary>
    Task<IReadOnlyList<JournalEntry>> ReadJournalAsync(StateKey grain, long afterSequence, int maxCount, CancellationToken cancellationToken);

    /// <summary>Reads a page of a query view.</summary>
    Task<ViewPage> QueryViewAsync(ViewQuery query, CancellationToken cancellationToken);

    /// <summary>Counts a view's rows by key2 and time slice (see <see cref="ViewCountQuery"/>).</summary>
    Task<IReadOnlyList<ViewCount>> CountViewAsync(ViewCountQuery query, CancellationToken cancellationToken);
}
