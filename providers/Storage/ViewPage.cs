namespace Orchestrator.Providers.Storage;

/// <summary>One page of a view query; <see cref="Next"/> is null on the last page.</summary>
public sealed record ViewPage(IReadOnlyList<ViewResultRow> Rows, ViewCursor? Next);
