namespace Orchestrator.Providers.Storage;

/// <summary>Position after the last row of a page: rows strictly older (or equal time and smaller grain key) follow.</summary>
public sealed record ViewCursor(DateTimeOffset SortAt, string GrainKey);
