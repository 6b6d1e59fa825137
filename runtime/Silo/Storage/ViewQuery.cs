namespace Orchestrator.Runtime.Storage;

/// <summary>A page request on a query view: rows newest first, optionally filtered by either key.</summary>
/// <param name="View">The view's name.</param>
/// <param name="Key1">Filter on <see cref="ViewRow.Key1"/>, or null.</param>
/// <param name="Key2">Filter on <see cref="ViewRow.Key2"/>, or null.</param>
/// <param name="Limit">Page size, at least 1.</param>
/// <param name="After">Cursor from the previous page, or null for the first page.</param>
public sealed record ViewQuery(string View, string? Key1, string? Key2, int Limit, ViewCursor? After = null);

/// <summary>Position after the last row of a page: rows strictly older (or equal time and smaller grain key) follow.</summary>
public sealed record ViewCursor(DateTimeOffset SortAt, string GrainKey);

/// <summary>A row returned by a view query.</summary>
public sealed record ViewResultRow(GrainId GrainId, string Key1, string Key2, DateTimeOffset SortAt, string Payload);

/// <summary>One page of a view query; <see cref="Next"/> is null on the last page.</summary>
public sealed record ViewPage(IReadOnlyList<ViewResultRow> Rows, ViewCursor? Next);
