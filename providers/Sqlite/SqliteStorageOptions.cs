namespace Orchestrator.Providers.Sqlite;

/// <summary>Settings of the SQLite storage backend.</summary>
/// <param name="Path">The database file; its directory is created when missing.</param>
/// <param name="MaxBatchSize">The most writes committed together in one transaction.</param>
/// <param name="GroupCommit">Commit writes that arrive together in one transaction (one disk sync for all of them);
/// false commits every write in its own transaction.</param>
public sealed record SqliteStorageOptions(string Path, int MaxBatchSize = 512, bool GroupCommit = true);
