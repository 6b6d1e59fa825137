namespace Orchestrator.Providers.Storage;

/// <summary>A row of a query view (for example "runs by workflow and status"), owned by one grain and written in the
/// same transaction as its state, so listings never scan grains.</summary>
/// <param name="View">The view's name.</param>
/// <param name="Key1">First filter key (for example the workflow name).</param>
/// <param name="Key2">Second filter key (for example the status).</param>
/// <param name="SortAt">Listing order: newest first.</param>
/// <param name="Payload">A small JSON summary returned by queries.</param>
public sealed record ViewRow(string View, string Key1, string Key2, DateTimeOffset SortAt, string Payload);
