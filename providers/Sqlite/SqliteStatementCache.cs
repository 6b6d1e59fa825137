using Microsoft.Data.Sqlite;

namespace Orchestrator.Providers.Sqlite;

/// <summary>Commands of one connection, prepared once per SQL text and reused: the texts are a few fixed ones, so the
/// cache stays small. Used by one thread at a time; it owns its commands.</summary>
internal sealed class SqliteStatementCache(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>The command for <paramref name="sql"/>, its parameters cleared. The caller disposes only the readers it
    /// opens, never the command.</summary>
    public SqliteCommand Get(string sql)
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
    }
}
