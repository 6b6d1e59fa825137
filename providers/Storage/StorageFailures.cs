using Microsoft.Data.Sqlite;
using Npgsql;
using Orchestrator.Providers.Concurrency;
using Orchestrator.Providers.Faults;
using Orchestrator.Providers.Postgres;

namespace Orchestrator.Providers.Storage;

/// <summary>Tells a storage that failed to answer (a database restarting or unreachable (not an error in a statement), a disk full or read-only, an
/// injected fault) from other errors, through the wrappers Orleans puts around them.</summary>
public static class StorageFailures
{
    // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN: the file, not the request.
    private static readonly int[] SqliteUnavailable = [5, 6, 8, 10, 13, 14];

    /// <summary>Whether <paramref name="exception"/> (or one it wraps) says the storage did not answer, so the same
    /// request may succeed later.</summary>
    public static bool IsUnavailable(Exception exception) => Find(exception) is not null;

    /// <summary><paramref name="exception"/> as a <see cref="StorageUnavailableException"/> when it says the storage did
    /// not answer (saying what was being done, and the driver's message), else null.</summary>
    public static StorageUnavailableException? AsUnavailable(Exception exception, string operation) => Find(exception) switch
    {
        null => null,
        StorageUnavailableException unavailable => unavailable,
        // The driver's exception stays behind: other silos cannot read its type.
        var cause => new StorageUnavailableException($"The storage did not answer while {operation}: {cause.GetType().Name}: {cause.Message}", ReasonOf(cause)),
    };

    /// <summary>Why the storage is unavailable according to <paramref name="exception"/>, in a few words that name no
    /// host or path, so that an API answer may carry them; null when <paramref name="exception"/> does not say the
    /// storage did not answer.</summary>
    public static string? Reason(Exception exception) => Find(exception) is { } cause ? ReasonOf(cause) : null;

    private static string ReasonOf(Exception cause) => cause switch
    {
        StorageUnavailableException { Reason: { } reason } => reason,
        InjectedStorageFaultException => "an injected storage fault",
        SqliteException sqlite => (sqlite.SqliteErrorCode & 0xFF) switch
        {
            13 => "the database or its disk is full",
            8 => "the database is read-only",
            5 or 6 => "the database is busy",
            _ => "the database file cannot be read or written",
        },
        NpgsqlException or PostgresUnavailableException => "the database server does not answer",
        _ => "the storage does not answer",
    };

    /// <summary>The exception in <paramref name="exception"/>'s chain that says the storage did not answer, or null.</summary>
    public static Exception? Find(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 16; depth++)
        {
            switch (exception)
            {
                case StorageUnavailableException or InjectedStorageFaultException or PostgresUnavailableException:
                case NpgsqlException npgsql when npgsql.IsTransient || npgsql is not PostgresException:
                case SqliteException sqlite when SqliteUnavailable.Contains(sqlite.SqliteErrorCode & 0xFF):
                    return exception;
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    exception = aggregate.InnerExceptions[0];
                    continue;
            }

            exception = exception.InnerException;
        }

        return null;
    }

    /// <summary>Calls <paramref name="call"/> up to <paramref name="tries"/> times while the storage does not answer,
    /// waiting <paramref name="first"/>, then twice as long each time, in between; any other failure, or the last,
    /// reaches the caller.</summary>
    public static async Task<T> RetryWhileUnavailableAsync<T>(Func<Task<T>> call, int tries, TimeSpan first, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        for (var tried = 1; ; tried++)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (Exception e) when (tried < tries && IsUnavailable(e) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(Backoff.Doubling(first, TimeSpan.MaxValue, tried), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
