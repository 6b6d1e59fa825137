using System.Text.Json;
using Orleans.Storage;

namespace Orchestrator.Providers.Storage;

/// <summary>Orleans' grain storage over one of our state stores: states as JSON, and a state's pending journal entries
/// (<see cref="IJournalSource"/>) and view rows (<see cref="IQueryViewSource"/>) written in the same transaction.</summary>
internal sealed class JsonGrainStorage(IStateStore store, JsonSerializerOptions json) : IGrainStorage, IGrainStateQueries
{
    /// <inheritdoc/>
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc/>
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var grain = StateKey.From(grainId);
        var stored = await store.ReadAsync(grain, stateName, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        try
        {
            grainState.State = JsonSerializer.Deserialize<T>(stored.Payload, json) ?? Activator.CreateInstance<T>();
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException(
                $"State '{stateName}' of grain {grain} could not be read as {typeof(T).Name}: {e.Message}", e);
        }

        grainState.ETag = stored.Etag;
        grainState.RecordExists = true;
    }

    /// <inheritdoc/>
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc/>
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var state = grainState.State;
        var payload = JsonSerializer.Serialize(state, json);
        var views = (state as IQueryViewSource)?.GetViewRows(grainId);
        var journalSource = state as IJournalSource;
        var journal = journalSource?.PendingJournal is { Count: > 0 } pending ? pending.ToArray() : null;
        var keepsFrom = (state as ITrimmedJournalSource)?.JournalKeepsFrom;
        var write = new StateWrite(StateKey.From(grainId), stateName, payload, grainState.ETag, views, journal, keepsFrom);
        grainState.ETag = await store.WriteAsync(write, cancellationToken).ConfigureAwait(false);
        grainState.RecordExists = true;
        if (journal is not null)
        {
            journalSource!.JournalWritten(journal.Length);
        }
    }

    /// <inheritdoc/>
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc/>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        await store.ClearAsync(StateKey.From(grainId), stateName, grainState.ETag, cancellationToken).ConfigureAwait(false);
        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<JournalEntry>> ReadJournalAsync(GrainId grainId, long afterSequence, int maxCount, CancellationToken cancellationToken) =>
        store.ReadJournalAsync(StateKey.From(grainId), afterSequence, maxCount, cancellationToken);

    /// <inheritdoc/>
    public Task<ViewPage> QueryViewAsync(ViewQuery query, CancellationToken cancellationToken) =>
        store.QueryViewAsync(query, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<ViewCount>> CountViewAsync(ViewCountQuery query, CancellationToken cancellationToken) =>
        store.CountViewAsync(query, cancellationToken);
}
