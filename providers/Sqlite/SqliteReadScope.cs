using Microsoft.Data.Sqlite;

namespace Orchestrator.Providers.Sqlite;

/// <summary>A read connection of the database's own pool, open for as long as the pool keeps it, with the statements it
/// has run kept prepared. Used by one read at a time.</summary>
internal sealed class SqliteReadScope(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>The connection, for a read that needs more than cached commands (a transaction of its own).</summary>
    public SqliteConnection Connection => connection;

    /// <summary>The cached command for <paramref name="sql"/> (one of a few fixed texts), its parameters cleared. The
    /// scope owns it: the caller disposes only the readers it opens.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }

        command.Parameters.Clear();
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        connection.Dispose();
    }
}
