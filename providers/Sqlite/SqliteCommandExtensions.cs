using Microsoft.Data.Sqlite;

namespace Orchestrator.Providers.Sqlite;

/// <summary>Terse parameter binding and column reading for the SQLite stores.</summary>
internal static class SqliteCommandExtensions
{
    /// <summary>Binds a parameter (null as SQL NULL) and returns the command, so calls chain.</summary>
    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    /// <summary>Creates a command, enlisted in <paramref name="transaction"/> when one is open.</summary>
    public static SqliteCommand Command(this SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static DateTimeOffset GetUnixMilliseconds(this SqliteDataReader reader, int ordinal) =>
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    public static string? GetNullableString(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
