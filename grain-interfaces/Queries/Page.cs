namespace Orchestrator.Queries;

/// <summary>One page of a listing, newest first; pass <see cref="Cursor"/> to get the next page (null on the last one).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Cursor);
