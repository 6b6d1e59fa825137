namespace Orchestrator.History;

/// <summary>The history of one queue or loop (key: <see cref="HistorySeries"/>): samples appended to its journal, the
/// oldest dropped once they are older than the retention. Engine-internal: read through the query grain.</summary>
internal interface IHistoryGrain : IGrainWithStringKey
{
    /// <summary>Appends a sample (JSON) taken at <paramref name="at"/>; a sample for a slot already sampled is ignored.</summary>
    Task AppendAsync(DateTimeOffset at, string sample);

    /// <summary>Deletes the history.</summary>
    Task ClearAsync();
}
