using Microsoft.Extensions.Logging;

namespace Orchestrator.Providers.Sqlite;

/// <summary>Log messages of the SQLite storage backend.</summary>
internal static partial class SqliteStorageLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Opened SQLite storage {Path} at schema version {Version}")]
    public static partial void Opened(ILogger logger, string path, int version);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Migrated SQLite storage to schema version {Version}")]
    public static partial void Migrated(ILogger logger, int version);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "A batch of {Count} storage writes failed; retrying each write in a transaction of its own")]
    public static partial void BatchFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "A storage write failed and was not applied")]
    public static partial void WriteFailed(ILogger logger, Exception exception);
}
