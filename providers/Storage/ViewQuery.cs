namespace Orchestrator.Providers.Storage;

/// <summary>A page request on a query view: rows newest first, optionally filtered by either key.</summary>
/// <param name="View">The view's name.</param>
/// <param name="Key1">Filter on <see cref="ViewRow.Key1"/>, or null.</param>
/// <param name="Key2">Filter on <see cref="ViewRow.Key2"/>, or null.</param>
/// <param name="Limit">Page size, at least 1.</param>
/// <param name="After">Cursor from the previous page, or null for the first page.</param>
public sealed record ViewQuery(string View, string? Key1, string? Key2, int Limit, ViewCursor? After = null);
