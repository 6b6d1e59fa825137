using Microsoft.Data.Sqlite;

namespace Orchestrator.Providers.Sqlite;

/// <summary>A read connection of the database's own pool, open for as long as the pool keeps it, with the statements it
/// has run kept prepared. Used by one read at a time.</summary>
internal sealed class SqliteReadScope(SqliteConnection connection) : IDisposable
{
    private readonly SqliteStatementCache _statements = new(connection);

    /// <summary>The connection, for a read that needs more than cached commands (a transaction of its own).</summary>
    public SqliteConnection Connection => connection;

    /// <summary>The cached command for <paramref name="sql"/> (one of a few fixed texts), its parameters cleared; see
    /// <see cref="SqliteStatementCache.Get"/>.</summary>
    public SqliteCommand Command(string sql) => _statements.Get(sql);

    public void Dispose()
    {
        _statements.Dispose();
        connection.Dispose();
    }
}
