using System.Runtime.CompilerServices;
using System.Text.Json;
using Orleans.Storage;

namespace Orchestrator.Providers.Storage;

/// <summary>Orleans' grain storage over one of our state stores: states as JSON, and a state's pending journal entries
/// (<see cref="IJournalSource"/>), view rows (<see cref="IQueryViewSource"/>) and changed parts (<see cref="IPartedState"/>)
/// written in the same transaction. A write
/// or clear whose answer was lost (the store failed other than by refusing the ETag) is looked up again: when the record
/// shows it landed, the grain carries on with the stored ETag instead of an error and a stale ETag. A write leaves out
/// the views whose rows are as this state object last wrote them (a running run's rows through its steps), so that the
/// store does not rewrite rows and their indexes that did not change.</summary>
internal sealed class JsonGrainStorage(IStateStore store, JsonSerializerOptions json) : IGrainStorage, IGrainStateQueries
{
    /// <summary>The view rows each state object last wrote (a state object lives as long as its activation).</summary>
    private readonly ConditionalWeakTable<object, IReadOnlyList<ViewRow>> _writtenViews = new();

    /// <summary>The store underneath.</summary>
    internal IStateStore Store => store;

    /// <summary>How states are written as JSON.</summary>
    internal JsonSerializerOptions Json => json;

    /// <inheritdoc/>
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc/>
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var grain = StateKey.From(grainId);
        StoredState? stored;
        try
        {
            stored = await store.ReadAsync(grain, stateName, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (StorageFailures.AsUnavailable(e, $"reading {stateName} of {grain}") is { } unavailable && unavailable != e)
        {
            throw unavailable;
        }

        if (stored is null)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        try
        {
            var state = JsonSerializer.Deserialize<T>(stored.Payload, json) ?? Activator.CreateInstance<T>();
            if (state is IPartedState parted)
            {
                parted.PartsRead(await ReadPartsAsync(grain, stateName, cancellationToken).ConfigureAwait(false), json);
            }

            grainState.State = state;
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
        var allViews = (state as IQueryViewSource)?.GetViewRows(grainId);
        var views = ChangedViews(state, allViews);
        var journalSource = state as IJournalSource;
        var journal = journalSource?.PendingJournal is { Count: > 0 } pending ? pending.ToArray() : null;
        var keepsFrom = (state as ITrimmedJournalSource)?.JournalKeepsFrom;
        var parted = state as IPartedState;
        var parts = parted?.ChangedParts(json) is { Count: > 0 } changed ? changed : null;
        var write = new StateWrite(StateKey.From(grainId), stateName, payload, grainState.ETag, views, journal, keepsFrom, parts);
        try
        {
            grainState.ETag = await store.WriteAsync(write, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Whatever the store holds now, the next write writes every view.
            if (state is not null)
            {
                _writtenViews.Remove(state);
            }

            if (e is InconsistentStateException or OperationCanceledException)
            {
                throw;
            }

            // Landed when the record now holds this payload under another ETag than the one the write expected.
            var stored = await LookAgainAsync(write.Grain, stateName, e).ConfigureAwait(false);
            if (stored is null || stored.Etag == write.ExpectedEtag || stored.Payload != payload)
            {
                if (StorageFailures.AsUnavailable(e, $"writing {stateName} of {write.Grain}") is { } unavailable && unavailable != e)
                {
                    throw unavailable;
                }

                throw;
            }

            grainState.ETag = stored.Etag;
        }

        grainState.RecordExists = true;
        if (state is not null && allViews is not null)
        {
            _writtenViews.AddOrUpdate(state, allViews);
        }

        if (journal is not null)
        {
            journalSource!.JournalWritten(journal.Length);
        }

        parted?.PartsWritten();
    }

    /// <summary>The rows of <paramref name="views"/> to write: those of every view whose rows differ from what
    /// <paramref name="state"/> last wrote (all of them when it wrote none yet). A view left out keeps its stored rows.</summary>
    private IReadOnlyList<ViewRow>? ChangedViews(object? state, IReadOnlyList<ViewRow>? views)
    {
        if (state is null || views is null || !_writtenViews.TryGetValue(state, out var written))
        {
            return views;
        }

        var changed = new List<ViewRow>(views.Count);
        foreach (var group in views.GroupBy(row => row.View, StringComparer.Ordinal))
        {
            if (!group.SequenceEqual(written.Where(row => string.Equals(row.View, group.Key, StringComparison.Ordinal))))
            {
                changed.AddRange(group);
            }
        }

        return changed;
    }

    /// <inheritdoc/>
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc/>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        if (grainState.State is { } cleared)
        {
            _writtenViews.Remove(cleared);
        }

        var grain = StateKey.From(grainId);
        try
        {
            await store.ClearAsync(grain, stateName, grainState.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (InconsistentStateException or OperationCanceledException))
        {
            // Landed when the record is gone.
            if (grainState.ETag is null || await LookAgainAsync(grain, stateName, e).ConfigureAwait(false) is not null)
            {
                if (StorageFailures.AsUnavailable(e, $"clearing {stateName} of {grain}") is { } unavailable && unavailable != e)
                {
                    throw unavailable;
                }

                throw;
            }
        }

        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private async Task<IReadOnlyList<StatePart>> ReadPartsAsync(StateKey grain, string stateName, CancellationToken cancellationToken)
    {
        try
        {
            return await store.ReadPartsAsync(grain, stateName, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (StorageFailures.AsUnavailable(e, $"reading the parts of {stateName} of {grain}") is { } unavailable && unavailable != e)
        {
            throw unavailable;
        }
    }

    /// <summary>Reads the record after a change failed with <paramref name="failure"/>; a failed read rethrows that
    /// failure, the outcome staying unknown.</summary>
    private async Task<StoredState?> LookAgainAsync(StateKey grain, string stateName, Exception failure)
    {
        try
        {
            return await store.ReadAsync(grain, stateName, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw StorageFailures.AsUnavailable(failure, $"writing {stateName} of {grain} (whether it was stored is not known)") ?? failure;
        }
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
