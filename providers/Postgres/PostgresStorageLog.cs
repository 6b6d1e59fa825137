using Microsoft.Extensions.Logging;

namespace Orchestrator.Providers.Postgres;

/// <summary>Log messages of the PostgreSQL storage backend.</summary>
internal static partial class PostgresStorageLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Opened PostgreSQL storage {Server} at schema version {Version}")]
    public static partial void Opened(ILogger logger, string server, int version);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Migrated PostgreSQL storage to schema version {Version}")]
    public static partial void Migrated(ILogger logger, int version);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "PostgreSQL {Server} does not answer yet ({Reason}); retrying for up to {Remaining}")]
    public static partial void Unreachable(ILogger logger, string server, string reason, TimeSpan remaining);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "A batch of {Count} storage writes failed; retrying each write in a transaction of its own")]
    public static partial void BatchFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "A storage write failed and was not applied")]
    public static partial void WriteFailed(ILogger logger, Exception exception);
}
