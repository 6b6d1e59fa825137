using System.Globalization;

namespace Orchestrator.Runtime.Storage.Memory;

/// <summary>Grain states and view rows in dictionaries behind one lock.</summary>
internal sealed class MemoryGrainStorage : IGrainStorage
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(GrainId Grain, string StateName), GrainStateRecord> _states = [];
    private readonly Dictionary<GrainId, List<(string View, ViewResultRow Row)>> _viewRowsByGrain = [];
    private readonly Dictionary<GrainId, List<JournalEntry>> _journals = [];
    private long _lastEtag;

    /// <inheritdoc/>
    public Task<GrainStateRecord?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_states.GetValueOrDefault((grainId, stateName)));
        }
    }

    /// <inheritdoc/>
    public Task<string> WriteAsync(GrainStateWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var key = (write.GrainId, write.StateName);
            var stored = _states.GetValueOrDefault(key);
            if (stored?.Etag != write.ExpectedEtag)
            {
                throw new InconsistentStateException(write.GrainId, write.StateName, write.ExpectedEtag, stored?.Etag);
            }

            var etag = (++_lastEtag).ToString(CultureInfo.InvariantCulture);
            _states[key] = new GrainStateRecord(write.Payload, etag);
            if (write.Views is { } views)
            {
                ReplaceViewRows(write.GrainId, views);
            }

            if (write.Journal is { Count: > 0 } entries)
            {
                if (!_journals.TryGetValue(write.GrainId, out var journal))
                {
                    _journals[write.GrainId] = journal = [];
                }

                journal.AddRange(entries);
            }

            return Task.FromResult(etag);
        }
    }

    /// <inheritdoc/>
    public Task ClearAsync(GrainId grainId, string stateName, string? expectedEtag, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var stored = _states.GetValueOrDefault((grainId, stateName));
            if (stored?.Etag != expectedEtag)
            {
                throw new InconsistentStateException(grainId, stateName, expectedEtag, stored?.Etag);
            }

            _states.Remove((grainId, stateName));
            _viewRowsByGrain.Remove(grainId);
            _journals.Remove(grainId);
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<JournalEntry>> ReadJournalAsync(GrainId grainId, long afterSequence, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        lock (_lock)
        {
            IReadOnlyList<JournalEntry> entries = _journals.TryGetValue(grainId, out var journal)
                ? [.. journal.Where(e => e.Sequence > afterSequence).Take(maxCount)]
                : [];
            return Task.FromResult(entries);
        }
    }

    /// <inheritdoc/>
    public Task<ViewPage> QueryViewAsync(ViewQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        List<ViewResultRow> rows;
        lock (_lock)
        {
            rows = _viewRowsByGrain.Values
                .SelectMany(grainRows => grainRows)
                .Where(entry => entry.View == query.View
                    && (query.Key1 is null || entry.Row.Key1 == query.Key1)
                    && (query.Key2 is null || entry.Row.Key2 == query.Key2)
                    && (query.After is null || IsAfter(entry.Row, query.After)))
                .Select(entry => entry.Row)
                .OrderByDescending(row => row.SortAt)
                .ThenByDescending(row => row.GrainId.Key, StringComparer.Ordinal)
                .ThenByDescending(row => row.GrainId.Type, StringComparer.Ordinal)
                .Take(query.Limit + 1)
                .ToList();
        }

        ViewCursor? next = null;
        if (rows.Count > query.Limit)
        {
            rows.RemoveAt(rows.Count - 1);
            next = new ViewCursor(rows[^1].SortAt, rows[^1].GrainId.Key);
        }

        return Task.FromResult(new ViewPage(rows, next));
    }

    private static bool IsAfter(ViewResultRow row, ViewCursor cursor)
    {
        var at = UnixMilliseconds.Truncate(cursor.SortAt);
        return row.SortAt < at || (row.SortAt == at && string.CompareOrdinal(row.GrainId.Key, cursor.GrainKey) < 0);
    }

    private void ReplaceViewRows(GrainId grainId, IReadOnlyList<ViewRow> views)
    {
        if (!_viewRowsByGrain.TryGetValue(grainId, out var grainRows))
        {
            grainRows = [];
            _viewRowsByGrain[grainId] = grainRows;
        }

        var replaced = views.Select(view => view.View).ToHashSet(StringComparer.Ordinal);
        grainRows.RemoveAll(entry => replaced.Contains(entry.View));
        grainRows.AddRange(views.Select(view => (view.View,
            new ViewResultRow(grainId, view.Key1, view.Key2, UnixMilliseconds.Truncate(view.SortAt), view.Payload))));
    }
}
