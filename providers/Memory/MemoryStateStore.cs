using System.Globalization;
using Orchestrator.Providers.Storage;

namespace Orchestrator.Providers.Memory;

/// <summary>Grain states, journals and view rows in dictionaries behind one lock.</summary>
internal sealed class MemoryStateStore : IStateStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(StateKey Grain, string StateName), StoredState> _states = [];
    private readonly Dictionary<StateKey, List<(string View, ViewResultRow Row)>> _viewRowsByGrain = [];
    private readonly Dictionary<StateKey, List<JournalEntry>> _journals = [];
    private readonly Dictionary<(StateKey Grain, string StateName), SortedDictionary<string, string>> _parts = [];
    private long _lastEtag;

    /// <inheritdoc/>
    public Task<StoredState?> ReadAsync(StateKey grain, string stateName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_states.GetValueOrDefault((grain, stateName)));
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StatePart>> ReadPartsAsync(StateKey grain, string stateName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<StatePart> parts = _parts.TryGetValue((grain, stateName), out var stored)
                ? [.. stored.Select(part => new StatePart(part.Key, part.Value))]
                : [];
            return Task.FromResult(parts);
        }
    }

    /// <inheritdoc/>
    public Task<string> WriteAsync(StateWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var key = (write.Grain, write.StateName);
            var stored = _states.GetValueOrDefault(key);
            if (stored?.Etag != write.ExpectedEtag)
            {
                throw StateConflicts.Stale(write.Grain, write.StateName, write.ExpectedEtag, stored?.Etag);
            }

            var etag = (++_lastEtag).ToString(CultureInfo.InvariantCulture);
            _states[key] = new StoredState(write.Payload, etag);
            if (write.Views is { } views)
            {
                ReplaceViewRows(write.Grain, views);
            }

            if (write.Journal is { Count: > 0 } entries)
            {
                if (!_journals.TryGetValue(write.Grain, out var journal))
                {
                    _journals[write.Grain] = journal = [];
                }

                journal.AddRange(entries);
            }

            if (write.JournalKeepsFrom is { } keepsFrom && _journals.TryGetValue(write.Grain, out var trimmed))
            {
                trimmed.RemoveAll(entry => entry.Sequence < keepsFrom);
            }

            if (write.Parts is { Count: > 0 } parts)
            {
                if (!_parts.TryGetValue(key, out var stateParts))
                {
                    _parts[key] = stateParts = new SortedDictionary<string, string>(StringComparer.Ordinal);
                }

                foreach (var part in parts)
                {
                    if (part.Payload is null)
                    {
                        stateParts.Remove(part.Key);
                    }
                    else
                    {
                        stateParts[part.Key] = part.Payload;
                    }
                }
            }

            return Task.FromResult(etag);
        }
    }

    /// <inheritdoc/>
    public Task ClearAsync(StateKey grain, string stateName, string? expectedEtag, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var stored = _states.GetValueOrDefault((grain, stateName));
            if (stored?.Etag != expectedEtag)
            {
                throw StateConflicts.Stale(grain, stateName, expectedEtag, stored?.Etag);
            }

            _states.Remove((grain, stateName));
            _parts.Remove((grain, stateName));
            _viewRowsByGrain.Remove(grain);
            _journals.Remove(grain);
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<JournalEntry>> ReadJournalAsync(StateKey grain, long afterSequence, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        lock (_lock)
        {
            IReadOnlyList<JournalEntry> entries = _journals.TryGetValue(grain, out var journal)
                ? [.. journal.Where(e => e.Sequence > afterSequence).Take(maxCount)]
                : [];
            return Task.FromResult(entries);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ViewCount>> CountViewAsync(ViewCountQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var bucket = ViewCounts.BucketMilliseconds(query.Bucket);
        lock (_lock)
        {
            IReadOnlyList<ViewCount> counts = [.. _viewRowsByGrain.Values
                .SelectMany(grainRows => grainRows)
                .Where(entry => entry.View == query.View && (query.Key1 is null || entry.Row.Key1 == query.Key1) && entry.Row.SortAt >= query.Since)
                .GroupBy(entry => (entry.Row.Key2, Start: entry.Row.SortAt.ToUnixTimeMilliseconds() / bucket * bucket))
                .Select(group => new ViewCount(group.Key.Key2, DateTimeOffset.FromUnixTimeMilliseconds(group.Key.Start), group.LongCount()))];
            return Task.FromResult(counts);
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
                .ThenByDescending(row => row.GrainKey, StringComparer.Ordinal)
                .ThenByDescending(row => row.GrainType, StringComparer.Ordinal)
                .Take(query.Limit + 1)
                .ToList();
        }

        ViewCursor? next = null;
        if (rows.Count > query.Limit)
        {
            rows.RemoveAt(rows.Count - 1);
            next = new ViewCursor(rows[^1].SortAt, rows[^1].GrainKey);
        }

        return Task.FromResult(new ViewPage(rows, next));
    }

    private static bool IsAfter(ViewResultRow row, ViewCursor cursor)
    {
        var at = UnixMilliseconds.Truncate(cursor.SortAt);
        return row.SortAt < at || (row.SortAt == at && string.CompareOrdinal(row.GrainKey, cursor.GrainKey) < 0);
    }

    private void ReplaceViewRows(StateKey grain, IReadOnlyList<ViewRow> views)
    {
        if (!_viewRowsByGrain.TryGetValue(grain, out var grainRows))
        {
            grainRows = [];
            _viewRowsByGrain[grain] = grainRows;
        }

        var replaced = views.Select(view => view.View).ToHashSet(StringComparer.Ordinal);
        grainRows.RemoveAll(entry => replaced.Contains(entry.View));
        grainRows.AddRange(views.Select(view => (view.View,
            new ViewResultRow(grain.GrainType, grain.GrainKey, view.Key1, view.Key2, UnixMilliseconds.Truncate(view.SortAt), view.Payload))));
    }
}
