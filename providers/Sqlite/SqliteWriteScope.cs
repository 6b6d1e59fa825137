using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Orchestrator.Providers.Sqlite;

/// <summary>What a write sees while it runs on the writer connection (which it owns): the open transaction, statements prepared once
/// and reused across transactions, and the ETag counter. Used by the writer thread only.</summary>
/// <remarks>ETags come from one rising counter for the whole database rather than one per record, so a record that is
/// cleared and written again never gets back an ETag a stale writer may still hold.</remarks>
internal sealed class SqliteWriteScope : IDisposable
{
    private const string ReadEtagCounter = "SELECT value FROM counters WHERE name = 'etag'";
    private const string SaveEtagCounter = "UPDATE counters SET value = $value WHERE name = 'etag'";

    private readonly SqliteConnection _connection;
    private readonly SqliteStatementCache _statements;
    private SqliteTransaction? _transaction;
    private long _lastEtag;
    private long _savedEtag;

    public SqliteWriteScope(SqliteConnection connection)
    {
        _connection = connection;
        _statements = new SqliteStatementCache(connection);
        _lastEtag = Convert.ToInt64(Command(ReadEtagCounter).ExecuteScalar(), CultureInfo.InvariantCulture);
        _savedEtag = _lastEtag;
    }

    /// <summary>The cached command for <paramref name="sql"/> (a constant), enlisted in the open transaction and with
    /// its parameters cleared.</summary>
    public SqliteCommand Command(string sql)
    {
        var command = _statements.Get(sql);
        command.Transaction = _transaction;
        return command;
    }

    /// <summary>A new ETag, higher than any handed out before. Numbers taken by a transaction that rolls back are
    /// skipped, never reused.</summary>
    public long NextEtag() => ++_lastEtag;

    public void Begin() => _transaction = _connection.BeginTransaction();

    public void Commit()
    {
        var transaction = _transaction ?? throw new InvalidOperationException("No transaction is open.");
        if (_lastEtag != _savedEtag)
        {
            Command(SaveEtagCounter).With("$value", _lastEtag).ExecuteNonQuery();
        }

        transaction.Commit();
        _savedEtag = _lastEtag;
        EndTransaction();
    }

    /// <summary>Rolls back the open transaction, if any; never throws (SQLite may already have rolled it back).</summary>
    public void Rollback()
    {
        try
        {
            _transaction?.Rollback();
        }
        catch (SqliteException)
        {
            // The failure that brought us here already ended the transaction.
        }
        catch (InvalidOperationException)
        {
            // Same: the transaction was completed or the connection closed.
        }
        finally
        {
            EndTransaction();
        }
    }

    public void Dispose()
    {
        Rollback();
        _statements.Dispose();
        _connection.Dispose();
    }

    private void EndTransaction()
    {
        _transaction?.Dispose();
        _transaction = null;
    }
}
